using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Features.Resources;
using Fhir.Server.Store;
using Graph.Api.Appointments;
using Graph.Api.Appointments.Storage;
using Graph.Engine.Execution;
using Graph.Engine.Types;
using Identity.OAuth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

/// <summary>Online appointments benchmark (bench/RESULTS.md, section "Online appointments").</summary>
public static class AppointmentsBench
{
    public static async Task Main(string[] args)
    {
        // Usage: dotnet run -c Release --project bench/Appointments.Bench -- [--patients 100000] [--queries 300] [--seconds 20] [--workers 16]
        var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
            .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
        int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var patients = Option("patients", 100_000);
        var queries = Option("queries", 300);
        var seconds = Option("seconds", 20);
        var workers = Option("workers", 16);

        // WebApplicationFactory finds the host's content root through this variable when run outside a test project.
        var repo = new DirectoryInfo(AppContext.BaseDirectory);
        while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "Portal.sln")))
            repo = repo.Parent;
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_PORTAL_HOST", Path.Combine(repo?.FullName ?? ".", "src", "Portal.Host"));
        var dir = Path.Combine(Path.GetTempPath(), "appointments-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        await using var host = new BenchHost(dir);
        var services = host.Services;
        var executor = services.GetRequiredService<GraphExecutor>();
        Console.WriteLine($"Appointments benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {RuntimeInformation.OSDescription}, {RuntimeInformation.OSArchitecture}, " +
            $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {LoadAverage()}");

        // 1. Patients of the demo practice, through the resource service in write batches.
        var sw = Stopwatch.StartNew();
        var resources = services.GetRequiredService<ResourceService>();
        var store = services.GetRequiredService<IResourceStore>();
        var gps = new[] { "huisarts-de-vries", "huisarts-jansen", "huisarts-bakker" };
        const int batch = 500;
        for (var from = 0; from < patients; from += batch)
        {
            var validated = Enumerable.Range(from, Math.Min(batch, patients - from)).AsParallel().AsOrdered().Select(i =>
            {
                var json = new JsonObject
                {
                    ["resourceType"] = "Patient",
                    ["id"] = $"bench-{i}",
                    ["active"] = true,
                    ["name"] = new JsonArray(new JsonObject { ["family"] = $"Bench{i}", ["given"] = new JsonArray("Patiënt") }),
                    ["gender"] = i % 2 == 0 ? "female" : "male",
                    ["birthDate"] = new DateOnly(1940, 1, 1).AddDays(i % 25_000).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    ["generalPractitioner"] = new JsonArray(new JsonObject { ["reference"] = $"Practitioner/{gps[i % 3]}" }),
                    ["managingOrganization"] = new JsonObject { ["reference"] = "Organization/praktijk-de-linde" },
                };
                using var doc = JsonDocument.Parse(json.ToJsonString());
                return (Id: $"bench-{i}", Resource: resources.Validate(doc.RootElement.Clone(), "Patient"));
            }).ToList();
            await store.WriteAsync(session =>
            {
                foreach (var (id, resource) in validated)
                    resources.PutIn(session, resource, id, ifMatch: null);
                return 0;
            });
            if ((from / batch) % 40 == 0)
                Console.Write($"\r  patients: {from + validated.Count:N0} / {patients:N0}");
        }
        Console.WriteLine($"\r  patients: {patients:N0} loaded in {sw.Elapsed.TotalSeconds:F0} s ({patients / sw.Elapsed.TotalSeconds:F0}/s)");

        // 2. Slots for the whole 100-day horizon from the demo consultation hours.
        sw.Restart();
        var made = await services.GetRequiredService<SlotGenerator>().GenerateAsync("praktijk-de-linde", 100);
        var db = services.GetRequiredService<AppointmentDb>();
        var agendas = db.Rules("praktijk-de-linde").Agendas;
        Console.WriteLine($"  slots: {made:N0} generated for {agendas.Count} agendas (6 practitioners; the two assistants share one agenda) in {sw.Elapsed.TotalSeconds:F0} s");

        ClaimsPrincipal Patient(int i) => new(new ClaimsIdentity(new[]
        {
            new Claim(TokenClaims.Kind, TokenClaims.KindPatient), new Claim(TokenClaims.FhirUser, $"Patient/bench-{i}"),
            new Claim(TokenClaims.Name, $"Bench {i}"), new Claim(TokenClaims.Scope, "openid fhirUser user/*.cruds"), new Claim("sub", $"bench-{i}"),
        }, "bench", TokenClaims.Name, TokenClaims.Role));

        async Task<JsonElement> Graph(ClaimsPrincipal user, string query, object? variables = null)
        {
            using var scope = services.CreateScope();
            var request = new GraphRequest { Query = query, Variables = variables is null ? null : InputCoercion.FromJsonObject(JsonSerializer.SerializeToElement(variables)) };
            var result = await executor.ExecuteAsync(request, new RequestContext { User = user, Services = scope.ServiceProvider });
            return JsonDocument.Parse(ResultSerializer.ToUtf8Bytes(result)).RootElement.Clone();
        }

        const string One = "query($s: ID!, $v: ID!) { availability(scheduleId: $s, visitType: $v) { days { date times { start } } } }";
        var visitFor = new Dictionary<PractitionerKind, string> { [PractitionerKind.Huisarts] = "consult-10", [PractitionerKind.Poh] = "poh-controle", [PractitionerKind.Assistent] = "oren-uitspuiten" };
        var all = "query { " + string.Join(" ", agendas.Select((a, i) =>
            $"a{i}: availability(scheduleId: \"{a.ScheduleId}\", visitType: \"{visitFor[a.Kind]}\") {{ days {{ date times {{ start }} }} }}")) + " }";

        var firstAnswer = await Graph(Patient(1), One, new { s = "agenda-huisarts-de-vries", v = "consult-10" });
        if (firstAnswer.TryGetProperty("errors", out var errs)) throw new InvalidOperationException(errs.ToString());
        var offered = firstAnswer.GetProperty("data").GetProperty("availability").GetProperty("days").EnumerateArray().Sum(d => d.GetProperty("times").GetArrayLength());
        Console.WriteLine($"  one practitioner: {offered:N0} bookable times over the horizon");

        async Task<(double P50, double P95, double P99, double Cpu)> Measure(string query, object? variables)
        {
            var times = new List<double>();
            for (var i = 0; i < 20; i++) await Graph(Patient(i), query, variables);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < queries; i++)
            {
                var t = Stopwatch.GetTimestamp();
                var r = await Graph(Patient(Random.Shared.Next(patients)), query, variables);
                times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                if (r.TryGetProperty("errors", out var e)) throw new InvalidOperationException(e.ToString());
            }
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / queries;
            times.Sort();
            double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
            return (P(0.5), P(0.95), P(0.99), cpuMs);
        }

        {
            // Where the time goes: the service call alone, and its parts.
            var service = services.GetRequiredService<AppointmentService>();
            var caller = global::Graph.Api.Messaging.PortalCaller.From(Patient(3));
            var slotDb = services.GetRequiredService<AppointmentDb>();
            var rulesNow = slotDb.Rules("praktijk-de-linde");
            var agendaRules = rulesNow.For(rulesNow.Agendas.First(a => a.ScheduleId == "agenda-huisarts-de-vries"));
            var visit = rulesNow.VisitType("consult-10")!;
            double Cpu(Action action, int n)
            {
                action();
                var before = Process.GetCurrentProcess().TotalProcessorTime;
                for (var i = 0; i < n; i++) action();
                return (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds / n;
            }
            var nowInstant = NodaTime.SystemClock.Instance.GetCurrentInstant();
            var slotRows = slotDb.Slots(["agenda-huisarts-de-vries"], nowInstant, nowInstant + NodaTime.Duration.FromDays(101));
            Console.WriteLine($"  parts (CPU ms): service call {Cpu(() => service.AvailabilityAsync(caller, null, "agenda-huisarts-de-vries", "consult-10", null, null, default).GetAwaiter().GetResult(), 50):F2}, " +
                $"slot query {Cpu(() => slotDb.Slots(["agenda-huisarts-de-vries"], nowInstant, nowInstant + NodaTime.Duration.FromDays(101)), 50):F2}, " +
                $"rules {Cpu(() => BookingRules.Offers(agendaRules, visit, slotRows, nowInstant, rulesNow.Settings), 50):F2}, " +
                $"patient check {Cpu(() => service.PatientAsync(caller, null, default).GetAwaiter().GetResult(), 50):F2}");
        }
        var single = await Measure(One, new { s = "agenda-huisarts-de-vries", v = "consult-10" });
        Console.WriteLine($"  availability, one practitioner, 100 days: p50 {single.P50:F1} ms, p95 {single.P95:F1} ms, p99 {single.P99:F1} ms ({queries} queries, {single.Cpu:F1} ms CPU each incl. background work)");
        var practice = await Measure(all, null);
        Console.WriteLine($"  availability, whole practice ({agendas.Count} agendas) in one request: p50 {practice.P50:F1} ms, p95 {practice.P95:F1} ms, p99 {practice.P99:F1} ms ({practice.Cpu:F1} ms CPU each)");

        // 3. Bookings: workers book random offered GP times for random patients; collisions are expected and refused.
        var gpAgendas = agendas.Where(a => a.Kind == PractitionerKind.Huisarts).Select(a => a.ScheduleId).ToArray();
        var offers = new List<(string Schedule, string Start)>();
        foreach (var s in gpAgendas)
        {
            var r = await Graph(Patient(2), One, new { s, v = "consult-10" });
            foreach (var d in r.GetProperty("data").GetProperty("availability").GetProperty("days").EnumerateArray())
                foreach (var t in d.GetProperty("times").EnumerateArray())
                    offers.Add((s, t.GetProperty("start").GetString()!));
        }
        int ok = 0, taken = 0, other = 0;
        string? otherSample = null;
        var until = DateTime.UtcNow.AddSeconds(seconds);
        var bookingCpu = Process.GetCurrentProcess().TotalProcessorTime;
        sw.Restart();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (DateTime.UtcNow < until)
            {
                var (schedule, start) = offers[random.Next(offers.Count)];
                var r = await Graph(Patient(random.Next(patients)), "mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }",
                    new { i = new { scheduleId = schedule, visitType = "consult-10", start, reason = "Benchmark" } });
                if (!r.TryGetProperty("errors", out var e)) Interlocked.Increment(ref ok);
                else if (e[0].GetProperty("extensions").GetProperty("code").GetString() is BookingRules.SlotTaken or BookingRules.NotBookable) Interlocked.Increment(ref taken);
                else { Interlocked.Increment(ref other); otherSample ??= e.ToString(); }
            }
        })));
        var elapsed = sw.Elapsed.TotalSeconds;
        var cpuPerBooking = (Process.GetCurrentProcess().TotalProcessorTime - bookingCpu).TotalMilliseconds / Math.Max(1, ok + taken + other);
        Console.WriteLine($"  bookings: {ok:N0} in {elapsed:F1} s = {ok / elapsed:F0}/s with {workers} workers; {taken:N0} refused as taken/no longer bookable; {other} other errors {otherSample}; {cpuPerBooking:F1} ms CPU per attempt");

        // 4. No double booking: every slot held by at most one active appointment, no two active appointments overlap in one agenda.
        using (var c = new SqliteConnection(db.ConnectionString))
        {
            c.Open();
            long Scalar(string sql) { using var cmd = c.CreateCommand(); cmd.CommandText = sql; return (long)cmd.ExecuteScalar()!; }
            var active = Scalar("SELECT COUNT(*) FROM appt_appointment WHERE status = 'booked'");
            var overlaps = Scalar("""
                SELECT COUNT(*) FROM appt_appointment a JOIN appt_appointment b
                  ON a.schedule_id = b.schedule_id AND a.appointment_id < b.appointment_id AND a.start_ms < b.end_ms AND b.start_ms < a.end_ms
                WHERE a.status = 'booked' AND b.status = 'booked'
                """);
            Console.WriteLine($"  check: {active:N0} booked appointments, {overlaps} overlapping pairs in one agenda");
        }
        var references = new Dictionary<string, int>();
        foreach (var id in db.AppointmentsOfSchedules(gpAgendas, NodaTime.Instant.MinValue, NodaTime.Instant.MaxValue).Where(a => a.Active).Select(a => a.Id))
        {
            using var doc = JsonDocument.Parse((await resources.ReadAsync("Appointment", id)).Json!);
            foreach (var slot in doc.RootElement.GetProperty("slot").EnumerateArray())
                references[slot.GetProperty("reference").GetString()!] = references.GetValueOrDefault(slot.GetProperty("reference").GetString()!) + 1;
        }
        Console.WriteLine($"  check (FHIR): {references.Count:N0} slots referenced by booked Appointments, {references.Count(r => r.Value > 1)} referenced twice");

        static string LoadAverage()
        {
            try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; } catch (IOException) { return "?"; }
        }

    }
}

sealed class BenchHost(string dir) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Portal", $"Data Source={Path.Combine(dir, "portal.db")}");
        builder.UseSetting("Demo:Seed", "true");
        builder.UseSetting("Demo:SlotDays", "1");
        builder.UseSetting("Identity:OutboxPath", Path.Combine(dir, "outbox"));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
