using System.Net.Http.Json;
using System.Text.Json;
using Graph.Api.Calendar;
using Graph.Api.Messaging;
using Graph.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using static Graph.Api.Tests.Infrastructure.PortalApiFactory;

namespace Graph.Api.Tests.Messaging;

/// <summary>The e-consult flow through GraphQL against the real host, store, search and access policy.</summary>
public sealed class EConsultApiTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private const string Pieter = "patient-pieter-van-den-berg";
    private const string Fatima = "patient-fatima-el-amrani";
    private const string Willem = "patient-willem-bos";
    private const string Emma = "patient-emma-de-jong";
    private const string Daan = "patient-daan-de-jong";

    private const string ThreadFields = """
        id kind topic status closedForPatient canReply receivedAt dueDate overdue expectedAnswerDate
        patient { reference display } recipient { reference display } assignee { reference display }
        messages { id text fromPatient sender { reference display } attachments { title contentType size } }
        """;

    private async Task<JsonElement> SendAsync(string patient, string topic, string? recipient = null, string kind = "MEDICAL", object[]? attachments = null) =>
        (await host.GraphAsync(Patient(patient), $$"""
            mutation($input: SendEConsultInput!) { sendEConsult(input: $input) { {{ThreadFields}} } }
            """, new { input = new { kind, recipient, topic, text = "Ik heb sinds drie dagen hoofdpijn.", attachments } })).Data("sendEConsult");

    private async Task<JsonElement> AnswerAsync(string staff, object input, string role = "assistent") =>
        (await host.GraphAsync(Staff(staff, role), $$"""
            mutation($input: AnswerInput!) { answerThread(input: $input) { {{ThreadFields}} } }
            """, new { input })).Data("answerThread");

    private async Task<List<JsonElement>> FolderAsync(string patient, string folder) =>
        (await host.GraphAsync(Patient(patient), "query($f: MessageFolder!) { messages(folder: $f, first: 100) { nodes { id threadId text read deleted fromPatient sender { display } } } }",
            new { f = folder })).Data("messages").Nodes();

    [Fact]
    public async Task Recipients_PreselectOwnGp_AndOfferTheAssistantsGroup()
    {
        var recipients = (await host.GraphAsync(Patient(Pieter), "{ recipients { reference display isGroup preselected } }")).Data("recipients").EnumerateArray().ToList();

        Assert.Equal("Practitioner/huisarts-jansen", Assert.Single(recipients, r => r.GetProperty("preselected").GetBoolean()).Str("reference"));
        Assert.Contains(recipients, r => r.Str("reference") == "PractitionerRole/groep-de-assistentes" && r.GetProperty("isGroup").GetBoolean());
        Assert.DoesNotContain(recipients, r => r.Str("reference") == "Practitioner/assistent-de-boer");
    }

    [Fact]
    public async Task SendEConsult_GoesToOwnGp_IsPending_AndDueInTwoWorkingDays()
    {
        var thread = await SendAsync(Pieter, "Hoofdpijn");

        Assert.Equal("AWAITING_ANSWER", thread.Str("status"));
        Assert.Equal("Practitioner/huisarts-jansen", thread.GetProperty("recipient").Str("reference"));
        Assert.Equal("Pieter van den Berg", thread.GetProperty("patient").Str("display"));
        var received = Instant.FromDateTimeOffset(DateTimeOffset.Parse(thread.Str("receivedAt"))).InZone(DutchCalendar.Amsterdam).Date;
        Assert.Equal(DutchCalendar.Instance.AddWorkingDays(received, 2).ToString("yyyy-MM-dd", null), thread.Str("dueDate"));
        Assert.False(thread.GetProperty("overdue").GetBoolean());
        Assert.Contains(await FolderAsync(Pieter, "PENDING"), m => m.Str("threadId") == thread.Str("id"));

        var mine = (await host.GraphAsync(Staff("huisarts-jansen", "huisarts"), $"{{ inbox(worklist: MINE) {{ nodes {{ {ThreadFields} }} }} }}")).Data("inbox").Nodes();
        Assert.Contains(mine, t => t.Str("id") == thread.Str("id") && t.GetProperty("assignee").Str("display") == "Bram Jansen");
    }

    [Fact]
    public async Task StoredCommunication_FollowsTheProfile_AndTheValidatorEnforcesIt()
    {
        var thread = await SendAsync(Willem, "Recept");
        var resources = host.Services.GetRequiredService<Fhir.Server.Features.Resources.ResourceService>();
        var stored = await resources.ReadAsync("Communication", thread.Str("id"));
        using var doc = JsonDocument.Parse(stored.Json!);
        var root = doc.RootElement;
        Assert.Equal(KnownEConsult.Profile, root.GetProperty("meta").GetProperty("profile")[0].GetString());
        Assert.Equal("in-progress", root.Str("status"));
        Assert.Equal("Patient/" + Willem, root.GetProperty("subject").Str("reference"));

        var withoutSubject = $$"""
            {"resourceType":"Communication","meta":{"profile":["{{KnownEConsult.Profile}}"]},"status":"in-progress",
             "category":[{"coding":[{"system":"{{KnownEConsult.CategorySystem}}","code":"e-consult"}]}],
             "sent":"2026-01-05T09:00:00Z","sender":{"reference":"Patient/{{Willem}}"},"recipient":[{"reference":"Practitioner/huisarts-jansen"}],
             "payload":[{"contentString":"x"}]}
            """;
        var error = await Assert.ThrowsAsync<Fhir.Server.Features.Outcomes.FhirException>(() =>
            resources.CreateAsync("Communication", System.Text.Encoding.UTF8.GetBytes(withoutSubject)));
        Assert.Contains(error.Issues, i => i.Expression?.Contains("subject", StringComparison.Ordinal) == true || i.Diagnostics.Contains("subject", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Attachment_TypeComesFromContent_NotFromName()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
        var thread = await SendAsync(Emma, "Huiduitslag", attachments: [new { fileName = "uitslag.pdf", contentBase64 = Convert.ToBase64String(png) }]);
        var attachment = thread.GetProperty("messages")[0].GetProperty("attachments")[0];
        Assert.Equal("image/png", attachment.Str("contentType"));
        Assert.Equal(png.Length, attachment.GetProperty("size").GetInt32());

        var exe = Convert.ToBase64String("MZ\x90\0this is a program"u8.ToArray());
        var response = await host.GraphAsync(Patient(Emma), "mutation($input: SendEConsultInput!) { sendEConsult(input: $input) { id } }",
            new { input = new { kind = "MEDICAL", topic = "Foto", text = "Zie foto", attachments = new[] { new { fileName = "foto.jpg", contentBase64 = exe } } } });
        var error = response.Error();
        Assert.Equal(MessagingErrors.AttachmentCode, error.Code());
        Assert.Equal("De bijlage 'foto.jpg' is geen foto (JPEG of PNG) of PDF-bestand.", error.Str("message"));
    }

    [Fact]
    public async Task PracticeAnswersWithTemplate_LeavesOpen_ThenCloses_PatientCannotReplyAfterwards()
    {
        var thread = await SendAsync(Fatima, "Buikpijn");
        var id = thread.Str("id");

        var templates = (await host.GraphAsync(Staff("assistent-de-boer"), "{ replyTemplates { id name body } }")).Data("replyTemplates");
        var more = templates.EnumerateArray().Single(t => t.Str("name") == "Meer informatie nodig");
        var rendered = (await host.GraphAsync(Staff("assistent-de-boer"), "query($t: ID!, $th: ID!) { renderTemplate(templateId: $t, threadId: $th) }",
            new { t = more.Str("id"), th = id })).Data("renderTemplate").GetString()!;
        Assert.StartsWith("Beste Fatima El Amrani,", rendered);
        Assert.Contains("namens dokter Claire Bakker", rendered);
        Assert.Contains("- Hoe lang heeft u deze klacht?", rendered);

        var open = await AnswerAsync("assistent-de-boer", new { threadId = id, templateId = more.Str("id"), closeForPatient = false });
        Assert.Equal("ANSWERED", open.Str("status"));
        Assert.False(open.GetProperty("closedForPatient").GetBoolean());
        Assert.Equal(rendered, open.GetProperty("messages")[1].Str("text"));

        var inbox = await FolderAsync(Fatima, "INBOX");
        Assert.Contains(inbox, m => m.Str("text") == rendered && !m.GetProperty("read").GetBoolean());
        var reply = (await host.GraphAsync(Patient(Fatima), $"mutation($id: ID!) {{ replyToThread(threadId: $id, text: \"Sinds twee dagen, rechtsonder.\") {{ {ThreadFields} }} }}",
            new { id })).Data("replyToThread");
        Assert.Equal("AWAITING_ANSWER", reply.Str("status"));
        Assert.Equal(3, reply.GetProperty("messages").GetArrayLength());

        var closed = await AnswerAsync("huisarts-bakker", new { threadId = id, text = "Komt u morgen om 9 uur langs.", closeForPatient = true }, "huisarts");
        Assert.True(closed.GetProperty("closedForPatient").GetBoolean());
        var patientView = (await host.GraphAsync(Patient(Fatima), $"query($id: ID!) {{ thread(id: $id) {{ {ThreadFields} }} }}", new { id })).Data("thread");
        Assert.False(patientView.GetProperty("canReply").GetBoolean());
        var refused = (await host.GraphAsync(Patient(Fatima), "mutation($id: ID!) { replyToThread(threadId: $id, text: \"Nog een vraag\") { id } }", new { id })).Error();
        Assert.Equal(MessagingErrors.ClosedCode, refused.Code());
        Assert.Contains("Stel een nieuwe vraag", refused.Str("message"));

        var unread = (await host.GraphAsync(Patient(Fatima), "{ unreadCount }")).Data("unreadCount").GetInt32();
        Assert.Equal(2, unread);
        var first = (await FolderAsync(Fatima, "INBOX"))[0].Str("id");
        await host.GraphAsync(Patient(Fatima), "mutation($ids: [ID!]!) { markRead(ids: $ids) { id read } }", new { ids = new[] { first } });
        Assert.Equal(1, (await host.GraphAsync(Patient(Fatima), "{ unreadCount }")).Data("unreadCount").GetInt32());
        var marks = (await host.GraphAsync(Patient(Fatima), "query($id: ID!) { thread(id: $id) { messages { id read fromPatient } } }", new { id }))
            .Data("thread").GetProperty("messages").EnumerateArray().Where(m => !m.GetProperty("fromPatient").GetBoolean()).ToList();
        Assert.Equal([first], marks.Where(m => m.GetProperty("read").GetBoolean()).Select(m => m.Str("id")));

        await host.GraphAsync(Patient(Fatima), "mutation($id: ID!) { deleteMessage(id: $id) { id deleted } }", new { id = first });
        Assert.DoesNotContain(await FolderAsync(Fatima, "INBOX"), m => m.Str("id") == first);
        Assert.Contains(await FolderAsync(Fatima, "DELETED"), m => m.Str("id") == first);
        await host.GraphAsync(Patient(Fatima), "mutation($id: ID!) { restoreMessage(id: $id) { id deleted } }", new { id = first });
        Assert.Contains(await FolderAsync(Fatima, "INBOX"), m => m.Str("id") == first);
    }

    [Fact]
    public async Task Patient_NeverSeesAnotherPatientsThread()
    {
        var fatimas = (await SendAsync(Fatima, "Privé vraag")).Str("id");

        var read = await host.GraphAsync(Patient(Pieter), $"query($id: ID!) {{ thread(id: $id) {{ {ThreadFields} }} }}", new { id = fatimas });
        Assert.Equal(JsonValueKind.Null, read.GetProperty("data").GetProperty("thread").ValueKind);
        Assert.Equal(MessagingErrors.ForbiddenCode, read.Error().Code());
        Assert.DoesNotContain("Privé", read.ToString());

        foreach (var folder in new[] { "INBOX", "PENDING", "SYSTEM", "DELETED" })
            Assert.DoesNotContain(await FolderAsync(Pieter, folder), m => m.Str("threadId") == fatimas);
        var reply = await host.GraphAsync(Patient(Pieter), "mutation($id: ID!) { replyToThread(threadId: $id, text: \"hallo\") { id } }", new { id = fatimas });
        Assert.Equal(MessagingErrors.NotFoundCode, reply.Error().Code());
        var delete = await host.GraphAsync(Patient(Pieter), "mutation($id: ID!) { deleteMessage(id: $id) { id } }", new { id = fatimas });
        Assert.Equal(MessagingErrors.NotFoundCode, delete.Error().Code());

        var staffOfOtherPractice = await host.GraphAsync(Staff("huisarts-jansen", "huisarts", "andere-praktijk"), $"query($id: ID!) {{ thread(id: $id) {{ id }} }}", new { id = fatimas });
        Assert.Equal(MessagingErrors.ForbiddenCode, staffOfOtherPractice.Error().Code());
    }

    [Fact]
    public async Task StaffOnlyFields_RefusePatients_AndThePracticeManagerSeesNoMedicalContent()
    {
        Assert.Equal(MessagingErrors.ForbiddenCode, (await host.GraphAsync(Patient(Pieter), "{ inbox { totalCount } }")).Error().Code());
        Assert.Equal(MessagingErrors.ForbiddenCode, (await host.GraphAsync(Staff("manager", "praktijkmanager"), "{ inbox { totalCount } }")).Error().Code());
        var anonymous = (await host.GraphAsync(null, "{ messages(folder: INBOX) { totalCount } }")).Error();
        Assert.Equal(MessagingErrors.UnauthenticatedCode, anonymous.Code());
        Assert.Equal("U bent niet ingelogd. Log opnieuw in.", anonymous.Str("message"));
    }

    [Fact]
    public async Task GraphQLEndpoint_IsMappedOnTheHost_AndAsksForLogin()
    {
        using var client = host.CreateClient();
        var response = await client.PostAsJsonAsync("/graphql", new { query = "{ unreadCount }" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(MessagingErrors.UnauthenticatedCode, body.Error().Code());
    }

    [Fact]
    public async Task HisReplyThroughFhir_ShowsUpForThePatient()
    {
        var id = (await SendAsync(Daan, "Sportblessure")).Str("id");
        using var his = await host.HisClientAsync();

        var open = await his.GetFromJsonAsync<JsonElement>($"/fhir/Communication?category={Uri.EscapeDataString(KnownEConsult.CategorySystem + "|e-consult")}&status=in-progress&subject=Patient/{Daan}");
        Assert.Contains(open.GetProperty("entry").EnumerateArray(), e => e.GetProperty("resource").Str("id") == id);

        var reply = new
        {
            resourceType = "Communication",
            status = "completed",
            category = new[] { new { coding = new[] { new { system = KnownEConsult.CategorySystem, code = "e-consult" } } } },
            subject = new { reference = $"Patient/{Daan}" },
            inResponseTo = new[] { new { reference = $"Communication/{id}" } },
            sent = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            sender = new { reference = "Practitioner/huisarts-de-vries" },
            recipient = new[] { new { reference = $"Patient/{Daan}" } },
            payload = new[] { new { contentString = "Koel de enkel en houd hem hoog." } },
        };
        var created = await his.PostAsync("/fhir/Communication", new StringContent(JsonSerializer.Serialize(reply), System.Text.Encoding.UTF8, "application/fhir+json"));
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

        var inbox = await FolderAsync(Daan, "INBOX");
        var message = Assert.Single(inbox, m => m.Str("threadId") == id);
        Assert.Equal("Koel de enkel en houd hem hoog.", message.Str("text"));
        Assert.Equal("Anna de Vries", message.GetProperty("sender").Str("display"));
        Assert.DoesNotContain(await FolderAsync(Daan, "PENDING"), m => m.Str("threadId") == id);
        var thread = (await host.GraphAsync(Patient(Daan), $"query($id: ID!) {{ thread(id: $id) {{ {ThreadFields} }} }}", new { id })).Data("thread");
        Assert.Equal("ANSWERED", thread.Str("status"));
        Assert.True(thread.GetProperty("closedForPatient").GetBoolean());
    }

    [Fact]
    public async Task GroupMessage_IsUnassigned_UntilAssigned_ThenOnThePractitionersWorklist()
    {
        var id = (await SendAsync(Emma, "Vraag over herhaalrecept", "PractitionerRole/groep-de-assistentes", "OTHER")).Str("id");
        var assistant = Staff("assistent-mulder");

        var unassigned = (await host.GraphAsync(assistant, "{ inbox(worklist: UNASSIGNED) { nodes { id kind } } }")).Data("inbox").Nodes();
        Assert.Contains(unassigned, t => t.Str("id") == id && t.Str("kind") == "OTHER");

        var assigned = (await host.GraphAsync(assistant, $"mutation($id: ID!) {{ assignThread(threadId: $id, practitioner: \"Practitioner/huisarts-jansen\") {{ {ThreadFields} }} }}", new { id })).Data("assignThread");
        Assert.Equal("Practitioner/huisarts-jansen", assigned.GetProperty("assignee").Str("reference"));
        Assert.DoesNotContain((await host.GraphAsync(assistant, "{ inbox(worklist: UNASSIGNED) { nodes { id } } }")).Data("inbox").Nodes(), t => t.Str("id") == id);
        Assert.Contains((await host.GraphAsync(assistant, "{ inbox(worklist: PRACTITIONER, practitioner: \"Practitioner/huisarts-jansen\") { nodes { id } } }")).Data("inbox").Nodes(), t => t.Str("id") == id);
        Assert.Contains((await host.GraphAsync(Staff("huisarts-jansen", "huisarts"), "{ inbox(worklist: MINE) { nodes { id } } }")).Data("inbox").Nodes(), t => t.Str("id") == id);
    }

    [Fact]
    public async Task HandleWithoutReply_LeavesTheInbox_AndTheHisSeesItCompleted()
    {
        var id = (await SendAsync(Willem, "Bedankt!")).Str("id");
        var handled = (await host.GraphAsync(Staff("assistent-de-boer"), $"mutation($id: ID!) {{ handleWithoutReply(threadId: $id) {{ {ThreadFields} }} }}", new { id })).Data("handleWithoutReply");

        Assert.Equal("HANDLED_WITHOUT_REPLY", handled.Str("status"));
        Assert.Single(handled.GetProperty("messages").EnumerateArray());
        Assert.DoesNotContain((await host.GraphAsync(Staff("assistent-de-boer"), "{ inbox { nodes { id } } }")).Data("inbox").Nodes(), t => t.Str("id") == id);
        var stored = await host.Services.GetRequiredService<Fhir.Server.Features.Resources.ResourceService>().ReadAsync("Communication", id);
        using var doc = JsonDocument.Parse(stored.Json!);
        Assert.Equal("completed", doc.RootElement.Str("status"));
        Assert.Equal(KnownEConsult.HandledWithoutReply, doc.RootElement.GetProperty("statusReason").GetProperty("coding")[0].Str("code"));
        var again = (await host.GraphAsync(Staff("assistent-de-boer"), "mutation($id: ID!) { handleWithoutReply(threadId: $id) { id } }", new { id })).Error();
        Assert.Equal("Dit bericht is al afgehandeld.", again.Str("message"));
    }

    [Fact]
    public async Task AnswerOnBehalfOfAbsentPractitioner_PromisesADate_AndKeepsItOnTheirWorklist()
    {
        var id = (await SendAsync(Pieter, "Uitslag bloedonderzoek")).Str("id");
        var date = DutchCalendar.Instance.AddWorkingDays(DutchCalendar.Today(SystemClock.Instance), 3).ToString("yyyy-MM-dd", null);

        var answered = await AnswerAsync("assistent-de-boer", new
        {
            threadId = id,
            text = "Dokter Jansen is afwezig; u krijgt uiterlijk " + date + " antwoord.",
            onBehalfOf = "Practitioner/huisarts-jansen",
            expectedAnswerDate = date,
        });
        Assert.Equal("AWAITING_FOLLOW_UP", answered.Str("status"));
        Assert.Equal(date, answered.Str("expectedAnswerDate"));
        Assert.Equal(date, answered.Str("dueDate"));
        Assert.False(answered.GetProperty("closedForPatient").GetBoolean());
        Assert.Contains((await host.GraphAsync(Staff("huisarts-jansen", "huisarts"), "{ inbox(worklist: MINE) { nodes { id status } } }")).Data("inbox").Nodes(),
            t => t.Str("id") == id && t.Str("status") == "AWAITING_FOLLOW_UP");

        var missingDate = (await host.GraphAsync(Staff("assistent-de-boer"), "mutation($input: AnswerInput!) { answerThread(input: $input) { id } }",
            new { input = new { threadId = id, text = "x", onBehalfOf = "Practitioner/huisarts-jansen" } })).Error();
        Assert.Equal("expectedAnswerDate", missingDate.GetProperty("extensions").Str("field"));
    }

    [Fact]
    public async Task PracticeStartsAMessage_PatientFindsItInPostvakIn()
    {
        var started = (await host.GraphAsync(Staff("poh-visser", "poh"), $$"""
            mutation($input: StartMessageInput!) { startMessage(input: $input) { {{ThreadFields}} } }
            """, new { input = new { patientId = Willem, topic = "Uitslag urineonderzoek", text = "Uw urine is schoon. Zie ook thuisarts.nl." } })).Data("startMessage");
        Assert.Equal("ANSWERED", started.Str("status"));
        var inbox = await FolderAsync(Willem, "INBOX");
        Assert.Contains(inbox, m => m.Str("threadId") == started.Str("id") && m.GetProperty("sender").Str("display") == "Petra Visser");
    }

    [Fact]
    public async Task WeeklyCounts_CountReceivedAndAnswered_WithAMedian()
    {
        var id = (await SendAsync(Emma, "Oorpijn")).Str("id");
        await AnswerAsync("assistent-de-boer", new { threadId = id, text = "Gebruik pijnstilling en bel bij koorts." });

        var counts = (await host.GraphAsync(Staff("assistent-de-boer"), "{ weeklyCounts { weekStart received answered handledWithoutReply medianAnswerMinutes openOverdue } }")).Data("weeklyCounts");
        Assert.True(counts.GetProperty("received").GetInt32() >= 1);
        Assert.True(counts.GetProperty("answered").GetInt32() >= 1);
        Assert.Equal(JsonValueKind.Number, counts.GetProperty("medianAnswerMinutes").ValueKind);
        Assert.Equal(IsoDayOfWeek.Monday, NodaTime.Text.LocalDatePattern.Iso.Parse(counts.Str("weekStart")).Value.DayOfWeek);
    }

    [Fact]
    public async Task Validation_ErrorsAreDutch_WithTheField()
    {
        var error = (await host.GraphAsync(Patient(Pieter), "mutation { sendEConsult(input: { kind: MEDICAL, topic: \" \", text: \"x\" }) { id } }")).Error();
        Assert.Equal("BAD_USER_INPUT", error.Code());
        Assert.Equal("Vul een onderwerp in.", error.Str("message"));
        Assert.Equal("topic", error.GetProperty("extensions").Str("field"));
        var stranger = (await host.GraphAsync(Patient(Pieter), "mutation { sendEConsult(input: { kind: MEDICAL, recipient: \"Practitioner/onbekend\", topic: \"a\", text: \"x\" }) { id } }")).Error();
        Assert.Equal("Kies een zorgverlener van uw praktijk.", stranger.Str("message"));
    }
}
