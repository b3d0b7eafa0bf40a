using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Graph.Api.Appointments;
using Graph.Api.Appointments.Storage;
using Graph.Api.Tests.Infrastructure;
using Graph.Api.Tests.Messaging;
using Jobs.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Graph.Api.Tests.Appointments;

/// <summary>The appointment API through the real host: GraphQL in process and over HTTP, FHIR REST with patient tokens.</summary>
public sealed class AppointmentApiTests(AppointmentApiTests.Host host) : IClassFixture<AppointmentApiTests.Host>
{
    public const string Emma = "patient-emma-de-jong";
    public const string Pieter = "patient-pieter-van-den-berg";
    public const string DeVries = "agenda-huisarts-de-vries";
    public const string Jansen = "agenda-huisarts-jansen";

    /// <summary>The demo practice with three weeks of slots generated from its consultation hours.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public PortalApiFactory Factory { get; } = new();

        public async Task InitializeAsync()
        {
            var made = await Factory.GraphAsync(PortalApiFactory.Staff("assistent-de-boer"), "mutation { generateSlots(days: 21) }");
            Assert.True(made.Data("generateSlots").GetInt32() > 1000, made.ToString());
        }

        public Task DisposeAsync()
        {
            Factory.Dispose();
            return Task.CompletedTask;
        }
    }

    private PortalApiFactory Api => host.Factory;

    private const string AppointmentFields = "id status start end dateLocal timeLocal web reason canChange changeBlockedMessage practiceMessage practitioner { reference display } visitType { code minutes } calendarUrl";

    private async Task<List<JsonElement>> TimesAsync(string patient, string schedule, string visitType, int skipDays = 0)
    {
        var result = await Api.GraphAsync(PortalApiFactory.Patient(patient), """
            query($s: ID!, $v: ID!) { availability(scheduleId: $s, visitType: $v) { firstBookableDate lastBookableDate days { date label times { start end label onlineOnly } } } }
            """, new { s = schedule, v = visitType });
        var days = result.Data("availability").GetProperty("days").EnumerateArray().ToList();
        Assert.True(days.Count > skipDays, result.ToString());
        return days[skipDays].GetProperty("times").EnumerateArray().ToList();
    }

    private Task<JsonElement> BookAsync(string patient, string schedule, string visitType, string start, string? reason = "Keelpijn", string? forPatient = null) =>
        Api.GraphAsync(PortalApiFactory.Patient(patient), $$"""
            mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { {{AppointmentFields}} } }
            """, new { i = new { patientId = forPatient, scheduleId = schedule, visitType, start, reason } });

    [Fact]
    public async Task Booking_StartsWithUrgentNotice_OwnGpPreselected_AndTheKinds()
    {
        var result = await Api.GraphAsync(PortalApiFactory.Patient(Emma), """
            { appointmentBooking { urgentNotice firstBookableDate cutoffHours practicePhone kinds { kind label } reminder { enabled hours } }
              bookablePractitioners(kind: HUISARTS) { scheduleId preselected practitioner { display } }
              visitTypes(kind: ASSISTENT) { code name preparation } }
            """);
        var booking = result.Data("appointmentBooking");
        Assert.Contains("bel", booking.Str("urgentNotice"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("030-1234567", booking.Str("practicePhone"));
        Assert.Equal(24, booking.GetProperty("cutoffHours").GetInt32());
        Assert.Equal(["HUISARTS", "ASSISTENT", "POH"], booking.GetProperty("kinds").EnumerateArray().Select(k => k.Str("kind")));
        var gps = result.GetProperty("data").GetProperty("bookablePractitioners").EnumerateArray().ToList();
        Assert.Equal(DeVries, gps[0].Str("scheduleId"));
        Assert.True(gps[0].GetProperty("preselected").GetBoolean());
        Assert.Equal(1, gps.Count(g => g.GetProperty("preselected").GetBoolean()));
        var types = result.GetProperty("data").GetProperty("visitTypes").EnumerateArray().ToList();
        Assert.Contains(types, t => t.Str("code") == "oren-uitspuiten" && t.Str("preparation").Contains("druppel", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TwentyMinuteConsult_TakesTwoSlots_ShowsInOverviewAgendaAndCheckList_ThenCancelFreesThem()
    {
        var times = await TimesAsync(Emma, DeVries, "consult-20", skipDays: 2);
        var chosen = times[0];
        var booked = await BookAsync(Emma, DeVries, "consult-20", chosen.Str("start"), "Hoofdpijn en rugklachten");
        var appointment = booked.Data("bookAppointment");
        Assert.Equal("BOOKED", appointment.Str("status"));
        Assert.True(appointment.GetProperty("web").GetBoolean());
        Assert.True(appointment.GetProperty("canChange").GetBoolean());
        Assert.Equal(20, appointment.GetProperty("visitType").GetProperty("minutes").GetInt32());
        var id = appointment.Str("id");

        var fhir = Api.Services.GetRequiredService<Fhir.Server.Features.Resources.ResourceService>();
        using var stored = JsonDocument.Parse((await fhir.ReadAsync("Appointment", id)).Json!);
        var slots = stored.RootElement.GetProperty("slot").EnumerateArray().Select(s => s.Str("reference")["Slot/".Length..]).ToList();
        Assert.Equal(2, slots.Count);
        Assert.Contains(stored.RootElement.GetProperty("meta").GetProperty("tag").EnumerateArray(), t => t.Str("code") == KnownAppointments.WebTag);
        foreach (var slot in slots)
        {
            using var s = JsonDocument.Parse((await fhir.ReadAsync("Slot", slot)).Json!);
            Assert.Equal("busy", s.RootElement.Str("status"));
        }

        var mine = await Api.GraphAsync(PortalApiFactory.Patient(Emma), "{ myAppointments { id } }");
        Assert.Contains(mine.Data("myAppointments").EnumerateArray(), a => a.Str("id") == id);
        var again = await TimesAsync(Emma, DeVries, "consult-20", skipDays: 2);
        Assert.DoesNotContain(again, t => t.Str("start") == chosen.Str("start"));

        var staff = PortalApiFactory.Staff("assistent-de-boer");
        var date = appointment.Str("start")[..10];
        var agenda = await Api.GraphAsync(staff, $$"""{ agenda(from: "{{date}}", days: 7, scheduleId: "{{DeVries}}") { date slots { slotId status appointment { id web reason } } } }""");
        var held = agenda.Data("agenda").EnumerateArray().SelectMany(d => d.GetProperty("slots").EnumerateArray())
            .Where(s => s.GetProperty("appointment").ValueKind == JsonValueKind.Object && s.GetProperty("appointment").Str("id") == id).ToList();
        Assert.Equal(2, held.Count);
        Assert.All(held, s => Assert.True(s.GetProperty("appointment").GetProperty("web").GetBoolean()));
        Assert.Equal("Hoofdpijn en rugklachten", held[0].GetProperty("appointment").Str("reason"));
        var toCheck = await Api.GraphAsync(staff, "{ newWebAppointments { id } }");
        Assert.Contains(toCheck.Data("newWebAppointments").EnumerateArray(), a => a.Str("id") == id);

        var cancelled = await Api.GraphAsync(PortalApiFactory.Patient(Emma), $$"""mutation { cancelAppointment(id: "{{id}}") { status canChange } }""");
        Assert.Equal("CANCELLED", cancelled.Data("cancelAppointment").Str("status"));
        foreach (var slot in slots)
        {
            using var s = JsonDocument.Parse((await fhir.ReadAsync("Slot", slot)).Json!);
            Assert.Equal("free", s.RootElement.Str("status"));
        }
        var afterCancel = await Api.GraphAsync(staff, $$"""{ agenda(from: "{{date}}", days: 7, scheduleId: "{{DeVries}}") { slots { appointment { id } } } }""");
        Assert.DoesNotContain(afterCancel.Data("agenda").EnumerateArray().SelectMany(d => d.GetProperty("slots").EnumerateArray()),
            s => s.GetProperty("appointment").ValueKind == JsonValueKind.Object && s.GetProperty("appointment").Str("id") == id);
    }

    [Fact]
    public async Task Booking_WithoutReason_IsRefusedWithCode()
    {
        var times = await TimesAsync(Pieter, Jansen, "consult-10", skipDays: 3);
        var result = await BookAsync(Pieter, Jansen, "consult-10", times[0].Str("start"), reason: " ");
        Assert.Equal(BookingRules.ReasonRequired, result.Error().Code());
    }

    [Fact]
    public async Task Confirmation_IsEnqueuedOnce_WithoutTheReason_AndReminderOnceWhenDue()
    {
        var times = await TimesAsync(Pieter, Jansen, "consult-10", skipDays: 4);
        var booked = await BookAsync(Pieter, Jansen, "consult-10", times[1].Str("start"), "Geheime klacht XYZ");
        var id = booked.Data("bookAppointment").Str("id");
        var outbox = Api.Services.GetRequiredService<NotificationOutbox>();
        var confirmation = outbox.Find($"appointment-booked:Appointment/{id}/1");
        Assert.NotNull(confirmation);
        Assert.Equal("pieter.vandenberg@example.nl", confirmation!.Recipient);
        var body = ReadBody(confirmation.Id);
        Assert.DoesNotContain("XYZ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Consult", body, StringComparison.Ordinal);

        var set = await Api.GraphAsync(PortalApiFactory.Patient(Pieter), "mutation { setAppointmentReminder(enabled: true, hours: 168) { enabled hours } }");
        Assert.Equal(168, set.Data("setAppointmentReminder").GetProperty("hours").GetInt32());
        var reminders = Api.Services.GetRequiredService<AppointmentReminders>();
        var row = Api.Services.GetRequiredService<AppointmentDb>().Appointment(id)!;
        // Booked inside the reminder window: the confirmation is enough, no reminder.
        reminders.EnqueueDue();
        Assert.Null(outbox.Find(AppointmentReminders.DedupeKey(id, row.Start!.Value)));
        await Api.GraphAsync(PortalApiFactory.Patient(Pieter), "mutation { setAppointmentReminder(enabled: true, hours: 24) { hours } }");
    }

    [Fact]
    public async Task Reminder_WhenDue_IsEnqueuedExactlyOnce_EvenByTwoInstances()
    {
        var times = await TimesAsync(Emma, Jansen, "consult-10", skipDays: 8);
        var id = (await BookAsync(Emma, Jansen, "consult-10", times[4].Str("start"), "Controle bloeddruk")).Data("bookAppointment").Str("id");
        var db = Api.Services.GetRequiredService<AppointmentDb>();
        var start = db.Appointment(id)!.Start!.Value;
        var outbox = Api.Services.GetRequiredService<NotificationOutbox>();
        var notifications = Api.Services.GetRequiredService<AppointmentNotifications>();
        AppointmentReminders At(NodaTime.Instant now) => new(db, notifications, outbox, new FixedTime(now.ToDateTimeOffset()));

        var key = AppointmentReminders.DedupeKey(id, start);
        At(start - NodaTime.Duration.FromHours(25)).EnqueueDue();
        Assert.Null(outbox.Find(key));
        var instanceA = At(start - NodaTime.Duration.FromHours(23));
        var instanceB = At(start - NodaTime.Duration.FromHours(22));
        await Task.WhenAll(Task.Run(instanceA.EnqueueDue), Task.Run(instanceB.EnqueueDue), Task.Run(instanceA.EnqueueDue));
        Assert.Equal(1, CountRows(key));
        var reminder = outbox.Find(key);
        Assert.NotNull(reminder);
        Assert.Equal("emma.dejong@example.nl", reminder!.Recipient);
        Assert.DoesNotContain("bloeddruk", ReadBody(reminder.Id), StringComparison.Ordinal);

        await Api.GraphAsync(PortalApiFactory.Patient(Emma), "mutation { setAppointmentReminder(enabled: false) { enabled } }");
        try
        {
            var later = (await BookAsync(Emma, Jansen, "consult-10", times[6].Str("start"), "Nog iets")).Data("bookAppointment").Str("id");
            var laterStart = db.Appointment(later)!.Start!.Value;
            At(laterStart - NodaTime.Duration.FromHours(1)).EnqueueDue();
            Assert.Null(outbox.Find(AppointmentReminders.DedupeKey(later, laterStart)));
        }
        finally
        {
            await Api.GraphAsync(PortalApiFactory.Patient(Emma), "mutation { setAppointmentReminder(enabled: true) { enabled } }");
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private long CountRows(string dedupeKey) => Scalar<long>("SELECT COUNT(*) FROM notification WHERE dedupe_key = $p", dedupeKey);

    private string ReadBody(string notificationId) => Scalar<string>("SELECT body FROM notification WHERE id = $p", notificationId);

    private T Scalar<T>(string sql, string parameter)
    {
        using var c = Api.Services.GetRequiredService<Jobs.Storage.JobsDatabase>().Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$p", parameter);
        return (T)cmd.ExecuteScalar()!;
    }

    [Fact]
    public async Task PatientCannotSeeOrCancelAnothersAppointment_ButAParentBooksForAChildUnderTwelve()
    {
        var times = await TimesAsync(Emma, DeVries, "consult-10", skipDays: 5);
        var forSophie = await BookAsync(Emma, DeVries, "consult-10", times[2].Str("start"), "Oorpijn", forPatient: "patient-sophie-de-jong");
        var id = forSophie.Data("bookAppointment").Str("id");
        var sophies = await Api.GraphAsync(PortalApiFactory.Patient(Emma), """{ myAppointments(patientId: "patient-sophie-de-jong") { id } }""");
        Assert.Contains(sophies.Data("myAppointments").EnumerateArray(), a => a.Str("id") == id);

        var daan = await BookAsync(Emma, DeVries, "consult-10", times[3].Str("start"), "Enkel", forPatient: "patient-daan-de-jong");
        Assert.Equal("FORBIDDEN", daan.Error().Code());

        var peek = await Api.GraphAsync(PortalApiFactory.Patient(Pieter), $$"""{ appointment(id: "{{id}}") { id reason } }""");
        Assert.Equal("FORBIDDEN", peek.Error().Code());
        var cancel = await Api.GraphAsync(PortalApiFactory.Patient(Pieter), $$"""mutation { cancelAppointment(id: "{{id}}") { id } }""");
        Assert.Equal("FORBIDDEN", cancel.Error().Code());
        var others = await Api.GraphAsync(PortalApiFactory.Patient(Pieter), """{ myAppointments(patientId: "patient-sophie-de-jong") { id } }""");
        Assert.Equal("FORBIDDEN", others.Error().Code());
        var staffOtherPractice = await Api.GraphAsync(PortalApiFactory.Staff("x", organization: "andere-praktijk"), $$"""{ appointment(id: "{{id}}") { id } }""");
        Assert.True(staffOtherPractice.TryGetProperty("errors", out _) || staffOtherPractice.GetProperty("data").GetProperty("appointment").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task CancelAfterCutoff_SaysCallThePractice()
    {
        var manager = PortalApiFactory.Staff("manager", role: "praktijkmanager");
        var set = await Api.GraphAsync(manager, "mutation { savePracticeBookingSettings(minDays: 1, maxDays: 100, cutoffHours: 336) { cutoffHours } }");
        Assert.Equal(336, set.Data("savePracticeBookingSettings").GetProperty("cutoffHours").GetInt32());
        try
        {
            var times = await TimesAsync(Pieter, Jansen, "consult-10", skipDays: 1);
            var booked = await BookAsync(Pieter, Jansen, "consult-10", times[^1].Str("start"), "Controle");
            var view = booked.Data("bookAppointment");
            Assert.False(view.GetProperty("canChange").GetBoolean());
            Assert.Contains("030-1234567", view.Str("changeBlockedMessage"), StringComparison.Ordinal);
            var cancel = await Api.GraphAsync(PortalApiFactory.Patient(Pieter), $$"""mutation { cancelAppointment(id: "{{view.Str("id")}}") { id } }""");
            Assert.Equal(BookingRules.PastCutoff, cancel.Error().Code());
            Assert.Contains("Bel de praktijk", cancel.Error().Str("message"), StringComparison.Ordinal);
        }
        finally
        {
            await Api.GraphAsync(manager, "mutation { savePracticeBookingSettings(minDays: 1, maxDays: 100, cutoffHours: 24) { cutoffHours } }");
        }
    }

    [Fact]
    public async Task SameSlot_ParallelHttpRequests_FromFourPatients_ExactlyOneBooks()
    {
        var times = await TimesAsync(Emma, Jansen, "consult-10", skipDays: 6);
        var start = times[0].Str("start");
        var accounts = new[]
        {
            ("emma.dejong@example.nl", "06-10000001"), ("pieter.vandenberg@example.nl", "06-10000003"),
            ("fatima.elamrani@example.nl", "06-10000004"), ("willem.bos@example.nl", "06-10000005"),
        };
        var tokens = new List<string>();
        foreach (var (email, phone) in accounts)
            tokens.Add(await PortalLogin.TokenAsync(Api, email, phone));
        var clients = tokens.Select(t =>
        {
            var c = Api.CreateClient();
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", t);
            return c;
        }).ToList();
        using var gate = new ManualResetEventSlim(false);
        var requests = clients.Select(c => Task.Run(async () =>
        {
            gate.Wait();
            var response = await c.PostAsJsonAsync("/graphql", new
            {
                query = "mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }",
                variables = new { i = new { scheduleId = Jansen, visitType = "consult-10", start, reason = "Griep" } },
            });
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        })).ToList();
        gate.Set();
        var results = await Task.WhenAll(requests);
        Assert.Single(results, r => !r.TryGetProperty("errors", out _));
        var refused = results.Where(r => r.TryGetProperty("errors", out _)).ToList();
        Assert.Equal(3, refused.Count);
        Assert.All(refused, r => Assert.Equal(BookingRules.SlotTaken, r.Error().Code()));
        Assert.All(refused, r => Assert.Contains("iemand anders", r.Error().Str("message"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task FhirPost_ByPatientApp_FollowsTheSameRules()
    {
        var token = await PortalLogin.TokenAsync(Api, "fatima.elamrani@example.nl", "06-10000004");
        using var client = Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var times = await TimesAsync("patient-fatima-el-amrani", "agenda-huisarts-bakker", "consult-10", skipDays: 2);
        var rows = Api.Services.GetRequiredService<AppointmentDb>().SlotRows(["agenda-huisarts-bakker"],
            AppointmentResource.Time(times[0].Str("start"))!.Value, AppointmentResource.Time(times[0].Str("end"))!.Value);
        var slot = rows.Single();

        object Body(bool tag, string? reason) => new
        {
            resourceType = "Appointment",
            meta = tag ? new { tag = new[] { new { system = KnownAppointments.SourceSystem, code = KnownAppointments.WebTag } } } : null,
            status = "booked",
            serviceType = new[] { new { coding = new[] { new { system = KnownAppointments.VisitTypeSystem, code = "consult-10" } } } },
            reasonCode = reason is null ? null : new[] { new { text = reason } },
            start = times[0].Str("start"),
            end = times[0].Str("end"),
            slot = new[] { new { reference = $"Slot/{slot.Id}" } },
            participant = new object[]
            {
                new { actor = new { reference = "Patient/patient-fatima-el-amrani" }, status = "accepted" },
                new { actor = new { reference = "Practitioner/huisarts-bakker" }, status = "accepted" },
            },
        };
        async Task<HttpResponseMessage> Post(object body) => await client.PostAsync("/fhir/Appointment",
            new StringContent(JsonSerializer.Serialize(body, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull }),
                Encoding.UTF8, "application/fhir+json"));

        var untagged = await Post(Body(tag: false, "Rugpijn"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, untagged.StatusCode);
        var noReason = await Post(Body(tag: true, null));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Contains(BookingRules.ReasonRequired, await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var ok = await Post(Body(tag: true, "Rugpijn"));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        var twice = await Post(Body(tag: true, "Rugpijn"));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("iemand anders", await twice.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var id = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement.Str("id");
        using var moveBySlotPatch = new HttpRequestMessage(HttpMethod.Patch, $"/fhir/Appointment/{id}")
        {
            Content = new StringContent("""[{"op":"replace","path":"/serviceType/0/coding/0/code","value":"oren-uitspuiten"},{"op":"replace","path":"/start","value":"2000-01-01T00:00:00Z"}]""",
                Encoding.UTF8, "application/json-patch+json"),
        };
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.SendAsync(moveBySlotPatch)).StatusCode);
        var ics = await client.GetAsync($"/portal/afspraken/{id}/agenda.ics");
        Assert.Equal(HttpStatusCode.OK, ics.StatusCode);
        Assert.Equal("text/calendar", ics.Content.Headers.ContentType!.MediaType);
        var text = await ics.Content.ReadAsStringAsync();
        Assert.StartsWith("BEGIN:VCALENDAR\r\n", text, StringComparison.Ordinal);
        Assert.Contains($"UID:{id}@", text, StringComparison.Ordinal);
        Assert.All(text.Split("\r\n"), line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 75, line));
        using var other = Api.CreateClient();
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await PortalLogin.TokenAsync(Api, "willem.bos@example.nl", "06-10000005"));
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/portal/afspraken/{id}/agenda.ics")).StatusCode);
        using var anonymous = Api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/portal/afspraken/{id}/agenda.ics")).StatusCode);
    }

    [Fact]
    public async Task FhirDelete_ByPatientApp_AfterTheCutoff_IsRefused_BeforeItCancels()
    {
        var token = await PortalLogin.TokenAsync(Api, "willem.bos@example.nl", "06-10000005");
        using var client = Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var early = await TimesAsync("patient-willem-bos", Jansen, "consult-10", skipDays: 3);
        var keep = (await BookAsync("patient-willem-bos", Jansen, "consult-10", early[0].Str("start"), "Astma controle")).Data("bookAppointment").Str("id");
        var manager = PortalApiFactory.Staff("manager", role: "praktijkmanager");
        var set = await Api.GraphAsync(manager, "mutation { savePracticeBookingSettings(minDays: 1, maxDays: 100, cutoffHours: 336) { cutoffHours } }");
        Assert.Equal(336, set.Data("savePracticeBookingSettings").GetProperty("cutoffHours").GetInt32());
        try
        {
            var refused = await client.DeleteAsync($"/fhir/Appointment/{keep}");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains(BookingRules.PastCutoff, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await Api.GraphAsync(manager, "mutation { savePracticeBookingSettings(minDays: 1, maxDays: 100, cutoffHours: 24) { cutoffHours } }");
        }
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/fhir/Appointment/{keep}")).StatusCode);
        Assert.Contains(await TimesAsync("patient-willem-bos", Jansen, "consult-10", skipDays: 3), t => t.Str("start") == early[0].Str("start"));
    }

    [Fact]
    public async Task Reschedule_MovesToTheNewTime_AndFreesTheOldSlot()
    {
        var times = await TimesAsync(Pieter, Jansen, "consult-10", skipDays: 10);
        var id = (await BookAsync(Pieter, Jansen, "consult-10", times[0].Str("start"), "Eczeem")).Data("bookAppointment").Str("id");
        var moved = await Api.GraphAsync(PortalApiFactory.Patient(Pieter), $$"""mutation { rescheduleAppointment(id: "{{id}}", start: "{{times[3].Str("start")}}") { start status } }""");
        Assert.Equal(times[3].Str("start"), moved.Data("rescheduleAppointment").Str("start"));
        var after = await TimesAsync(Pieter, Jansen, "consult-10", skipDays: 10);
        Assert.Contains(after, t => t.Str("start") == times[0].Str("start"));
        Assert.DoesNotContain(after, t => t.Str("start") == times[3].Str("start"));
        var outbox = Api.Services.GetRequiredService<NotificationOutbox>();
        Assert.NotNull(outbox.Find($"appointment-moved:Appointment/{id}/2"));
    }

    [Fact]
    public async Task Settings_HiddenWindowOnADate_RemovesThoseTimes_AndBadInputIsRefused()
    {
        var manager = PortalApiFactory.Staff("manager", role: "praktijkmanager");
        var days = (await Api.GraphAsync(PortalApiFactory.Patient(Emma), $$"""
            { availability(scheduleId: "{{DeVries}}", visitType: "consult-10") { days { date times { start label } } } }
            """)).Data("availability").GetProperty("days").EnumerateArray().ToList();
        var day = days[9];
        Assert.Contains(day.GetProperty("times").EnumerateArray(), t => string.CompareOrdinal(t.Str("label"), "10:00") < 0);
        var saved = await Api.GraphAsync(manager, $$"""
            mutation { saveAgendaWindow(input: { scheduleId: "{{DeVries}}", kind: HIDDEN, date: "{{day.Str("date")}}", from: "08:00", to: "10:00", label: "Scholing" }) { id kind label } }
            """);
        var windowId = saved.Data("saveAgendaWindow").Str("id");
        try
        {
            var after = (await Api.GraphAsync(PortalApiFactory.Patient(Emma), $$"""
                { availability(scheduleId: "{{DeVries}}", visitType: "consult-10", from: "{{day.Str("date")}}", to: "{{day.Str("date")}}") { days { times { label } } } }
                """)).Data("availability").GetProperty("days").EnumerateArray().SelectMany(d => d.GetProperty("times").EnumerateArray()).ToList();
            Assert.NotEmpty(after);
            Assert.All(after, t => Assert.True(string.CompareOrdinal(t.Str("label"), "10:00") >= 0, t.Str("label")));
            var agenda = await Api.GraphAsync(PortalApiFactory.Staff("huisarts-de-vries", role: "huisarts"), $$"""
                { agenda(from: "{{day.Str("date")}}", scheduleId: "{{DeVries}}") { slots { timeLocal hidden hiddenLabel } } }
                """);
            Assert.Contains(agenda.Data("agenda")[0].GetProperty("slots").EnumerateArray(), s => s.GetProperty("hidden").GetBoolean() && s.Str("hiddenLabel") == "Scholing");
        }
        finally
        {
            Assert.True((await Api.GraphAsync(manager, $$"""mutation { deleteAgendaWindow(id: "{{windowId}}") }""")).Data("deleteAgendaWindow").GetBoolean());
        }

        var badType = await Api.GraphAsync(manager, """mutation { saveVisitType(input: { code: "x", name: "X", minutes: 7, kind: HUISARTS }) { code } }""");
        Assert.Equal("BAD_USER_INPUT", badType.Error().Code());
        Assert.Equal("minutes", badType.Error().GetProperty("extensions").Str("field"));
        var badHorizon = await Api.GraphAsync(manager, "mutation { savePracticeBookingSettings(minDays: 5, maxDays: 2, cutoffHours: 24) { minDays } }");
        Assert.Equal("BAD_USER_INPUT", badHorizon.Error().Code());
        var rules = await Api.GraphAsync(manager, """
            mutation { saveEmergencyRules(rules: [{ kind: HUISARTS, weekday: 1, from: "00:00", to: "00:00", places: 7 }, { kind: HUISARTS, weekday: 5, from: "12:00", to: "00:00", places: 7 }]) { weekday places } }
            """);
        Assert.Equal(2, rules.Data("saveEmergencyRules").GetArrayLength());
        var settings = await Api.GraphAsync(manager, "{ appointmentSettings { emergencyRules { weekday } visitTypes { code } } }");
        Assert.Equal(2, settings.Data("appointmentSettings").GetProperty("emergencyRules").GetArrayLength());
        await Api.GraphAsync(manager, """
            mutation { saveEmergencyRules(rules: [{ kind: HUISARTS, weekday: 1, from: "00:00", to: "00:00", places: 7 },
              { kind: HUISARTS, weekday: 2, from: "00:00", to: "00:00", places: 5 }, { kind: HUISARTS, weekday: 3, from: "00:00", to: "00:00", places: 5 },
              { kind: HUISARTS, weekday: 4, from: "00:00", to: "00:00", places: 5 }, { kind: HUISARTS, weekday: 5, from: "00:00", to: "00:00", places: 5 },
              { kind: HUISARTS, weekday: 5, from: "12:00", to: "00:00", places: 7 }]) { weekday } }
            """);
    }

    [Fact]
    public async Task Staff_MarkChecked_MoveWithMessage_AndMonthlyCounts()
    {
        var times = await TimesAsync(Emma, DeVries, "consult-10", skipDays: 7);
        var id = (await BookAsync(Emma, DeVries, "consult-10", times[0].Str("start"), "Oren uitspuiten graag")).Data("bookAppointment").Str("id");
        var staff = PortalApiFactory.Staff("assistent-de-boer");
        var assistants = await TimesAsync(Emma, "agenda-groep-de-assistentes", "oren-uitspuiten", skipDays: 7);
        var moved = await Api.GraphAsync(staff, $$"""
            mutation($m: String) { moveAppointment(id: "{{id}}", scheduleId: "agenda-groep-de-assistentes", start: "{{assistants[0].Str("start")}}", message: $m) { practitioner { reference } practiceMessage } }
            """, new { m = "Oren uitspuiten doet de assistente; we hebben uw afspraak verzet." });
        var view = moved.Data("moveAppointment");
        Assert.Equal("PractitionerRole/groep-de-assistentes", view.GetProperty("practitioner").Str("reference"));
        Assert.Contains("assistente", view.Str("practiceMessage"), StringComparison.Ordinal);
        var outbox = Api.Services.GetRequiredService<NotificationOutbox>();
        Assert.NotNull(outbox.Find($"appointment-moved:Appointment/{id}/2"));

        var checkedView = await Api.GraphAsync(staff, $$"""mutation { markAppointmentChecked(id: "{{id}}") { id } }""");
        Assert.Equal(id, checkedView.Data("markAppointmentChecked").Str("id"));
        var list = await Api.GraphAsync(staff, "{ newWebAppointments { id } }");
        Assert.DoesNotContain(list.Data("newWebAppointments").EnumerateArray(), a => a.Str("id") == id);

        var month = DateTime.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var manager = PortalApiFactory.Staff("manager", role: "praktijkmanager");
        var counts = await Api.GraphAsync(manager, $$"""{ webAppointmentCounts(month: "{{month}}") { scheduleId booked } }""");
        Assert.Contains(counts.Data("webAppointmentCounts").EnumerateArray(), c => c.Str("scheduleId") == "agenda-groep-de-assistentes" && c.GetProperty("booked").GetInt32() >= 1);
        var managerAgenda = await Api.GraphAsync(manager, $$"""{ newWebAppointments { id } }""");
        Assert.Equal("FORBIDDEN", managerAgenda.Error().Code());
        var patientSettings = await Api.GraphAsync(PortalApiFactory.Patient(Emma), "{ appointmentSettings { minDays } }");
        Assert.Equal("FORBIDDEN", patientSettings.Error().Code());
    }
}
