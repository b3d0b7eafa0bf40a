using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Features.Resources;
using Graph.Api.Record;
using Graph.Api.Tests.Infrastructure;
using Graph.Api.Tests.Messaging;
using NodaTime;
using NodaTime.Text;
using Microsoft.Extensions.DependencyInjection;
using static Graph.Api.Tests.Infrastructure.PortalApiFactory;

namespace Graph.Api.Tests.Record;

/// <summary>Mijn dossier and Mijn medicijnen through the real executor, store and access policy of the host, on the demo practice.</summary>
public sealed class RecordApiTests(PortalApiFactory host) : IClassFixture<PortalApiFactory>
{
    private const string Pieter = "patient-pieter-van-den-berg";
    private const string Fatima = "patient-fatima-el-amrani";
    private const string Willem = "patient-willem-bos";
    private const string Emma = "patient-emma-de-jong";
    private const string Sophie = "patient-sophie-de-jong";
    private const string Daan = "patient-daan-de-jong";

    private const string RecordQuery = """
        query($p: ID) { medicalRecord(patientId: $p) {
          patient { reference display } notice
          episodes(filter: ALL) { id title code active onset onsetLocal }
          allergies { substance categoryLabel criticality reactions active }
          labResults(first: 10) { totalCount nodes { test value unit referenceRange flag outsideRange date dateLocal } }
          medications(filter: ALL) { id name dosage chronic current kindLabel orderable orderBlockedReason }
          medicationPassport { patient { display } practice { display } since medications { name } allergies { substance } createdAtLocal }
          repeatOrders { id status readyDate medicines { medicine } } } }
        """;

    private const string Order = "mutation($input: OrderRepeatPrescriptionInput!) { orderRepeatPrescription(input: $input) { id status orderedAt readyDate readyDateLocal note medicines { id medicine medicationId status } patient { display } } }";

    [Fact]
    public async Task Patient_SeesOwnRecord_EpisodesAllergiesLabResultsNewestFirstAndMedication()
    {
        var record = (await host.GraphAsync(Patient(Pieter), RecordQuery)).Data("medicalRecord");

        Assert.Equal($"Patient/{Pieter}", record.GetProperty("patient").Str("reference"));
        Assert.Equal("Dit is een samenvatting; wat er in uw dossier staat bepaalt uw huisarts.", record.Str("notice"));
        var episodes = record.GetProperty("episodes").EnumerateArray().ToList();
        Assert.Equal(["Diabetes mellitus type 2", "Hypertensie zonder orgaanbeschadiging"], episodes.Select(e => e.Str("title")));
        Assert.All(episodes, e => Assert.True(e.GetProperty("active").GetBoolean()));
        var labs = record.GetProperty("labResults");
        Assert.Equal(5, labs.GetProperty("totalCount").GetInt32());
        var nodes = labs.Nodes();
        Assert.Equal("HbA1c", nodes[^1].Str("test"));
        Assert.Equal("53", nodes[^1].Str("value"));
        Assert.True(string.CompareOrdinal(nodes[0].Str("date"), nodes[^1].Str("date")) > 0, "newest first");
        var glucose = nodes.Single(n => n.Str("test") == "Glucose nuchter");
        Assert.Equal("7.4", glucose.Str("value"));
        Assert.Equal("mmol/L", glucose.Str("unit"));
        Assert.Equal("4.0 - 6.1 mmol/L", glucose.Str("referenceRange"));
        Assert.Equal("H", glucose.Str("flag"));
        Assert.True(glucose.GetProperty("outsideRange").GetBoolean());
        Assert.Equal("4.80", nodes.Single(n => n.Str("test") == "Cholesterol totaal").Str("value"));
        var medications = record.GetProperty("medications").EnumerateArray().ToList();
        Assert.Equal(2, medications.Count);
        Assert.All(medications, m =>
        {
            Assert.True(m.GetProperty("chronic").GetBoolean());
            Assert.Equal("Chronisch", m.Str("kindLabel"));
        });
        Assert.Equal("Huisartsenpraktijk De Linde", record.GetProperty("medicationPassport").GetProperty("practice").Str("display"));
        Assert.Equal(2, record.GetProperty("medicationPassport").GetProperty("medications").GetArrayLength());
    }

    [Fact]
    public async Task LabResults_PageWithCursors()
    {
        const string page = "query($after: String) { medicalRecord { labResults(first: 3, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } } }";
        var one = (await host.GraphAsync(Patient(Pieter), page, new { after = (string?)null })).Data("medicalRecord").GetProperty("labResults");
        Assert.Equal(3, one.Nodes().Count);
        Assert.True(one.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        var two = (await host.GraphAsync(Patient(Pieter), page, new { after = one.GetProperty("pageInfo").Str("endCursor") })).Data("medicalRecord").GetProperty("labResults");
        Assert.Equal(2, two.Nodes().Count);
        Assert.Empty(one.Nodes().Select(n => n.Str("id")).Intersect(two.Nodes().Select(n => n.Str("id"))));
    }

    [Fact]
    public async Task PatientB_AskingForPatientAsRecord_GetsForbiddenErrorAndNoData()
    {
        var response = await host.GraphAsync(Patient(Fatima), RecordQuery, new { p = Pieter });

        var error = response.Error();
        Assert.Equal("FORBIDDEN", error.Code());
        Assert.Equal("U heeft geen toegang tot dit dossier.", error.Str("message"));
        Assert.Equal(JsonValueKind.Array, error.GetProperty("locations").ValueKind);
        Assert.True(error.GetProperty("locations").GetArrayLength() > 0);
        Assert.Equal(["medicalRecord"], error.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(JsonValueKind.Null, response.GetProperty("data").ValueKind);
        Assert.DoesNotContain("Diabetes", response.ToString());
    }

    [Fact]
    public async Task PatientB_AskingForUnknownPatient_GetsTheSameForbiddenAsForAnExistingOne()
    {
        var response = await host.GraphAsync(Patient(Fatima), RecordQuery, new { p = "bestaat-niet" });
        Assert.Equal("FORBIDDEN", response.Error().Code());
        Assert.Equal("U heeft geen toegang tot dit dossier.", response.Error().Str("message"));
    }

    [Fact]
    public async Task PatientB_CannotOrderFromPatientAsRecord()
    {
        var asOther = await host.GraphAsync(Patient(Fatima), Order, new { input = new { patientId = Pieter, medicationIds = new[] { "med-pieter-metformine" } } });
        Assert.Equal("FORBIDDEN", asOther.Error().Code());

        var inOwn = await host.GraphAsync(Patient(Fatima), Order, new { input = new { medicationIds = new[] { "med-pieter-metformine" } } });
        Assert.Equal("BAD_USER_INPUT", inOwn.Error().Code());
        Assert.Equal("medicationIds", inOwn.Error().GetProperty("extensions").Str("field"));
    }

    [Fact]
    public async Task Parent_SeesChildUnder12_ButNotChildOf14WithoutConsent()
    {
        var sophie = (await host.GraphAsync(Patient(Emma), "query($p: ID) { medicalRecord(patientId: $p) { patient { reference } } }", new { p = Sophie })).Data("medicalRecord");
        Assert.Equal($"Patient/{Sophie}", sophie.GetProperty("patient").Str("reference"));

        var daan = await host.GraphAsync(Patient(Emma), "query($p: ID) { medicalRecord(patientId: $p) { episodes(filter: ALL) { title } } }", new { p = Daan });
        Assert.Equal("FORBIDDEN", daan.Error().Code());
        Assert.DoesNotContain("enkel", daan.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Staff_SeesPracticePatient_PracticeManagerDoesNot()
    {
        var record = (await host.GraphAsync(Staff("huisarts-de-vries", "huisarts"), "query($p: ID) { medicalRecord(patientId: $p) { allergies { substance } } }", new { p = Fatima }))
            .Data("medicalRecord");
        Assert.Equal(["Penicilline"], record.GetProperty("allergies").EnumerateArray().Select(a => a.Str("substance")));

        var manager = await host.GraphAsync(Staff("manager", "praktijkmanager"), "query($p: ID) { medicalRecord(patientId: $p) { allergies { substance } } }", new { p = Fatima });
        Assert.Equal("FORBIDDEN", manager.Error().Code());

        var otherPractice = await host.GraphAsync(Staff("huisarts-elders", "huisarts", "praktijk-elders"), "query($p: ID) { medicalRecord(patientId: $p) { allergies { substance } } }", new { p = Fatima });
        Assert.Equal("FORBIDDEN", otherPractice.Error().Code());
    }

    [Fact]
    public async Task Order_OneOffMedication_IsRefusedWithDutchMessage()
    {
        var response = await host.GraphAsync(Patient(Fatima), Order, new { input = new { medicationIds = new[] { "med-fatima-diclofenac" } } });

        var error = response.Error();
        Assert.Equal(RecordErrors.NotRepeatable, error.Code());
        Assert.Contains("geen herhaalmedicatie", error.Str("message"));
        Assert.Equal("medicationIds", error.GetProperty("extensions").Str("field"));
        var medication = (await host.GraphAsync(Patient(Fatima), "{ medicalRecord { medications(filter: ALL) { orderable orderBlockedReason } } }"))
            .Data("medicalRecord").GetProperty("medications")[0];
        Assert.False(medication.GetProperty("orderable").GetBoolean());
    }

    [Fact]
    public async Task Order_ChronicMedication_GivesReadyDate_AndDoubleSubmitOrdersOnce()
    {
        var input = new { medicationIds = new[] { "med-willem-salbutamol" }, note = "Graag naar de Lindeapotheek", requestKey = "form-willem-1" };

        var first = (await host.GraphAsync(Patient(Willem), Order, new { input })).Data("orderRepeatPrescription");
        var again = (await host.GraphAsync(Patient(Willem), Order, new { input })).Data("orderRepeatPrescription");

        Assert.Equal("OPEN", first.Str("status"));
        Assert.Equal(first.Str("id"), again.Str("id"));
        Assert.Equal("Graag naar de Lindeapotheek", first.Str("note"));
        var orderedAt = InstantPattern.General.Parse(first.Str("orderedAt")).Value;
        Assert.Equal(LocalDatePattern.Iso.Format(RepeatPrescriptionRules.ReadyDate(orderedAt)), first.Str("readyDate"));
        Assert.Equal("Salbutamol 100 microgram/dosis aerosol", first.GetProperty("medicines")[0].Str("medicine"));
        Assert.Equal("med-willem-salbutamol", first.GetProperty("medicines")[0].Str("medicationId"));

        var record = (await host.GraphAsync(Patient(Willem), "{ medicalRecord { repeatOrders { id } medications { orderable orderBlockedReason } } }")).Data("medicalRecord");
        Assert.Single(record.GetProperty("repeatOrders").EnumerateArray());
        Assert.False(record.GetProperty("medications")[0].GetProperty("orderable").GetBoolean());

        var second = await host.GraphAsync(Patient(Willem), Order, new { input = new { medicationIds = new[] { "med-willem-salbutamol" }, requestKey = "form-willem-2" } });
        Assert.Equal(RecordErrors.AlreadyOrdered, second.Error().Code());
    }

    [Fact]
    public async Task Order_IsVisibleToTheHisOverFhirRest_AsDraftMedicationRequestBasedOnTheChronicOne()
    {
        var order = (await host.GraphAsync(Patient(Pieter), Order, new { input = new { medicationIds = new[] { "med-pieter-amlodipine" }, requestKey = "his-1" } }))
            .Data("orderRepeatPrescription");
        using var his = await host.HisClientAsync();

        var bundle = JsonDocument.Parse(await his.GetStringAsync($"/fhir/MedicationRequest?{KnownRecord.RepeatOrderQuery}&status=draft&patient=Patient/{Pieter}")).RootElement;

        var entry = bundle.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource"))
            .Single(r => r.GetProperty("groupIdentifier").Str("value") == order.Str("id"));
        Assert.Equal("order", entry.Str("intent"));
        Assert.Equal("MedicationRequest/med-pieter-amlodipine", entry.GetProperty("basedOn")[0].Str("reference"));
        Assert.Equal($"Patient/{Pieter}", entry.GetProperty("requester").Str("reference"));
    }

    [Fact]
    public async Task Staff_ApprovesOpenOrder_PatientGetsOneSystemMessage_AndASecondApprovalIsRefused()
    {
        var order = (await host.GraphAsync(Patient(Pieter), Order, new { input = new { medicationIds = new[] { "med-pieter-metformine" }, requestKey = "approve-1" } }))
            .Data("orderRepeatPrescription");
        var staff = Staff("assistent-de-boer");
        var open = (await host.GraphAsync(staff, "{ repeatOrders { nodes { id status patient { display } medicines { medicine } } } }")).Data("repeatOrders").Nodes();
        var listed = open.Single(o => o.Str("id") == order.Str("id"));
        Assert.Equal("Pieter van den Berg", listed.GetProperty("patient").Str("display"));
        const string one = "query($id: ID!) { repeatOrder(id: $id) { id status note } }";
        Assert.Equal("OPEN", (await host.GraphAsync(staff, one, new { id = order.Str("id") })).Data("repeatOrder").Str("status"));
        var elsewhere = await host.GraphAsync(Staff("huisarts-elders", "huisarts", "praktijk-elders"), one, new { id = order.Str("id") });
        Assert.Equal(JsonValueKind.Null, elsewhere.Data("repeatOrder").ValueKind);

        var approved = (await host.GraphAsync(staff, "mutation($id: ID!) { approveRepeatOrder(id: $id) { status readyDateLocal } }", new { id = order.Str("id") }))
            .Data("approveRepeatOrder");
        var twice = await host.GraphAsync(staff, "mutation($id: ID!) { approveRepeatOrder(id: $id) { status } }", new { id = order.Str("id") });

        Assert.Equal("APPROVED", approved.Str("status"));
        Assert.Equal(RecordErrors.AlreadyHandled, twice.Error().Code());
        Assert.DoesNotContain((await host.GraphAsync(staff, "{ repeatOrders { nodes { id } } }")).Data("repeatOrders").Nodes(), o => o.Str("id") == order.Str("id"));
        var messages = (await host.GraphAsync(Patient(Pieter), "{ messages(folder: SYSTEM) { nodes { topic text } } }")).Data("messages").Nodes()
            .Where(m => m.Str("topic") == "Herhaalrecept").ToList();
        var message = Assert.Single(messages);
        Assert.Contains("goedgekeurd", message.Str("text"));
        Assert.Contains(approved.Str("readyDateLocal").Split(' ')[1], message.Str("text"));
    }

    [Fact]
    public async Task Staff_RejectsWithReason_ReasonIsRequired_AndThePatientReadsIt()
    {
        var order = (await host.GraphAsync(Patient(Emma), Order, new { input = new { medicationIds = new[] { "med-emma-sumatriptan" }, requestKey = "reject-1" } }))
            .Data("orderRepeatPrescription");
        var staff = Staff("huisarts-de-vries", "huisarts");

        var empty = await host.GraphAsync(staff, "mutation($id: ID!) { rejectRepeatOrder(id: $id, reason: \"  \") { status } }", new { id = order.Str("id") });
        Assert.Equal("BAD_USER_INPUT", empty.Error().Code());
        Assert.Equal("reason", empty.Error().GetProperty("extensions").Str("field"));

        var rejected = (await host.GraphAsync(staff, "mutation($id: ID!) { rejectRepeatOrder(id: $id, reason: \"Eerst een controle-afspraak maken.\") { status rejectReason } }",
            new { id = order.Str("id") })).Data("rejectRepeatOrder");
        Assert.Equal("REJECTED", rejected.Str("status"));
        Assert.Equal("Eerst een controle-afspraak maken.", rejected.Str("rejectReason"));
        var message = (await host.GraphAsync(Patient(Emma), "{ messages(folder: SYSTEM) { nodes { topic text } } }")).Data("messages").Nodes()
            .Single(m => m.Str("topic") == "Herhaalrecept");
        Assert.Contains("Eerst een controle-afspraak maken.", message.Str("text"));
        var mine = (await host.GraphAsync(Patient(Emma), "{ medicalRecord { repeatOrders { status rejectReason } medications { orderable } } }")).Data("medicalRecord");
        Assert.Equal("REJECTED", mine.GetProperty("repeatOrders")[0].Str("status"));
        Assert.True(mine.GetProperty("medications")[0].GetProperty("orderable").GetBoolean());
    }

    [Fact]
    public async Task HisApprovesOverFhirRest_TheWatchLeavesOneSystemMessage()
    {
        var patient = await TestData.ChildAsync(host, "Noor", new LocalDate(1990, 3, 4));
        await host.Services.GetRequiredService<ResourceService>().CreateAsync("MedicationRequest", Encoding.UTF8.GetBytes($$"""
            {"resourceType":"MedicationRequest","id":"x","status":"active","intent":"order","medicationCodeableConcept":{"text":"Levothyroxine 50 microgram tablet"},
             "subject":{"reference":"Patient/{{patient}}"},"authoredOn":"2024-01-10",
             "courseOfTherapyType":{"coding":[{"system":"{{KnownRecord.CourseOfTherapySystem}}","code":"continuous"}] } }
            """));
        var medication = (await host.GraphAsync(Patient(patient), "{ medicalRecord { medications { id } } }")).Data("medicalRecord").GetProperty("medications")[0].Str("id");
        var order = (await host.GraphAsync(Patient(patient), Order, new { input = new { medicationIds = new[] { medication } } })).Data("orderRepeatPrescription");
        var watch = host.Services.GetRequiredService<RepeatOrderMessages>();
        await watch.RunAsync();
        Assert.DoesNotContain((await host.GraphAsync(Patient(patient), "{ messages(folder: SYSTEM) { nodes { topic } } }")).Data("messages").Nodes(),
            m => m.Str("topic") == RepeatOrderMessages.Topic);

        using var his = await host.HisClientAsync();
        var line = order.GetProperty("medicines")[0].Str("id");
        var json = JsonNode.Parse(await his.GetStringAsync($"/fhir/MedicationRequest/{line}"))!.AsObject();
        json["status"] = "active";
        json["recorder"] = new JsonObject { ["reference"] = "Practitioner/huisarts-de-vries" };
        var put = await his.PutAsync($"/fhir/MedicationRequest/{line}", new StringContent(json.ToJsonString(), Encoding.UTF8, "application/fhir+json"));
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        Assert.Equal(1, await watch.RunAsync());
        Assert.Equal(1, await watch.RunAsync());

        var messages = (await host.GraphAsync(Patient(patient), "{ messages(folder: SYSTEM) { nodes { topic text } } }")).Data("messages").Nodes()
            .Where(m => m.Str("topic") == RepeatOrderMessages.Topic).ToList();
        Assert.Contains("is goedgekeurd", Assert.Single(messages).Str("text"));
        Assert.DoesNotContain("Levothyroxine", messages[0].Str("text"));
        Assert.Equal("APPROVED", (await host.GraphAsync(Patient(patient), "{ medicalRecord { repeatOrders { status } } }")).Data("medicalRecord")
            .GetProperty("repeatOrders")[0].Str("status"));
    }

    [Fact]
    public async Task Patient_CannotApproveOrSeeThePracticeList()
    {
        Assert.Equal("FORBIDDEN", (await host.GraphAsync(Patient(Pieter), "{ repeatOrders { totalCount } }")).Error().Code());
        Assert.Equal("FORBIDDEN", (await host.GraphAsync(Patient(Pieter), "mutation { approveRepeatOrder(id: \"0123456789abcdef0123456789abcdef\") { status } }")).Error().Code());
    }

    [Fact]
    public async Task WholeRecord_CostsTheSameNumberOfSearchesForAFullAndAnEmptyRecord()
    {
        var before = host.Searches.Count;
        (await host.GraphAsync(Patient(Pieter), RecordQuery)).Data("medicalRecord");
        var full = host.Searches.Count - before;
        before = host.Searches.Count;
        (await host.GraphAsync(Patient(Sophie), RecordQuery)).Data("medicalRecord");
        var empty = host.Searches.Count - before;

        Assert.Equal(full, empty);
        Assert.True(full <= 6, $"{full} searches for one record");
    }
}
