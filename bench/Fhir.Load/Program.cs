using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fhir.Load;

// Usage:
//   Fhir.Load load  --base http://127.0.0.1:5181/fhir --from 0 --to 100000 [--patients-per-bundle 32] [--concurrency 4] [--ids ids.txt] [--server-pid PID]
//   Fhir.Load query --base http://127.0.0.1:5181/fhir --ids ids.txt [--clients 16] [--seconds 20] [--server-pid PID] [--seconds-per-kind 4] [--warmup 30] [--only 2,3]
// A bearer token is taken from FHIR_TOKEN when the server asks for one.
var options = Options.Parse(args);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
{
    BaseAddress = new Uri(options.Get("base", "http://127.0.0.1:5181/fhir").TrimEnd('/') + "/"),
    Timeout = TimeSpan.FromMinutes(5),
};
// The loader needs only the locations of what was created, not the resources echoed back.
http.DefaultRequestHeaders.Add("Prefer", "return=minimal");
if (Environment.GetEnvironmentVariable("FHIR_TOKEN") is { Length: > 0 } token)
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

return options.Command switch
{
    "load" => await Load(http, options),
    "query" => await Query(http, options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Fhir.Load load|query --base URL ... (see Program.cs)");
    return 2;
}

static async Task<int> Load(HttpClient http, Options options)
{
    var from = options.Int("from", 0);
    var to = options.Int("to", 10_000);
    var perBundle = options.Int("patients-per-bundle", 32);
    var concurrency = options.Int("concurrency", 4);
    var idsFile = options.Get("ids", "ids.txt");
    var data = new DataSet(seed: from);
    var total = (long)(to - from) * data.ResourcesPerPatient;
    var loaded = 0L;
    var failures = 0;
    var patientIds = new ConcurrentDictionary<int, string>();
    var next = from;
    var gate = new object();
    // The GPs of these patients first (one per DataSet.PatientsPerGp; PUT, so loading more patients later is harmless).
    for (var gp = from / DataSet.PatientsPerGp; gp <= (to - 1) / DataSet.PatientsPerGp; gp++)
    {
        using var put = await http.PutAsync($"Practitioner/{DataSet.GpId(gp)}",
            new StringContent(DataSet.GpResource(gp).ToJsonString(), Encoding.UTF8, "application/fhir+json"));
        if (!put.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"PUT Practitioner/{DataSet.GpId(gp)}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
            return 1;
        }
    }
    // The load rate depends on what else runs on the machine; CPU per resource (server and this process) does much less.
    var serverPid = options.Int("server-pid", 0);
    var self = Process.GetCurrentProcess();
    var clientBefore = self.TotalProcessorTime;
    var serverBefore = ProcessCpuMicroseconds(serverPid);
    var clock = Stopwatch.StartNew();

    using var progress = new Timer(_ => Report(), null, 1000, 1000);
    var workers = Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (true)
        {
            int start;
            lock (gate)
            {
                if (next >= to)
                    return;
                start = next;
                next = Math.Min(to, next + perBundle);
            }
            var count = Math.Min(perBundle, to - start);
            byte[] json;
            lock (data)
                json = data.Bundle(start, count);
            using var content = new ByteArrayContent(json);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json") { CharSet = "utf-8" };
            using var response = await http.PostAsync("", content);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failures);
                Console.Error.WriteLine($"\nbundle at patient {start} failed: {(int)response.StatusCode} {body[..Math.Min(400, body.Length)]}");
                continue;
            }
            using var document = JsonDocument.Parse(body);
            var entries = document.RootElement.GetProperty("entry");
            for (var p = 0; p < count; p++)
            {
                var location = entries[p * data.ResourcesPerPatient].GetProperty("response").GetProperty("location").GetString()!;
                var parts = location.Split('/');
                patientIds[start + p] = parts[^3];
            }
            Interlocked.Add(ref loaded, entries.GetArrayLength());
        }
    }).ToList();
    await Task.WhenAll(workers);
    Report();
    Console.WriteLine();
    await File.AppendAllLinesAsync(idsFile, patientIds.OrderBy(p => p.Key).Select(p => $"{p.Key}\t{p.Value}"));
    var rate = loaded / clock.Elapsed.TotalSeconds;
    self.Refresh();
    var clientCpu = (self.TotalProcessorTime - clientBefore).TotalMicroseconds / Math.Max(1, loaded);
    var serverCpu = (ProcessCpuMicroseconds(serverPid) - serverBefore) / Math.Max(1, loaded);
    Console.WriteLine($"loaded {loaded:N0} resources for {to - from:N0} patients in {clock.Elapsed.TotalSeconds:N1} s: {rate:N0} resources/s ({failures} failed bundles)");
    Console.WriteLine($"CPU per resource (server / loader): {Cpu(serverCpu)} / {clientCpu:F0} µs; load average {LoadAverage()}");
    Console.WriteLine($"RESULT load_rate={rate:F0} resources={loaded} failures={failures} server_cpu_us={Cpu(serverCpu)} client_cpu_us={clientCpu:F0}");
    return failures == 0 ? 0 : 1;

    void Report()
    {
        var done = Interlocked.Read(ref loaded);
        var fraction = total == 0 ? 1 : (double)done / total;
        var bar = new string('#', (int)(fraction * 30)).PadRight(30, '.');
        var rate = done / Math.Max(0.001, clock.Elapsed.TotalSeconds);
        var eta = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
        Console.Write($"\r[{bar}] {done:N0} / {total:N0} resources  {rate:N0}/s  eta {eta:mm\\:ss}   ");
    }
}

static async Task<int> Query(HttpClient http, Options options)
{
    var ids = File.ReadAllLines(options.Get("ids", "ids.txt")).Select(l => l.Split('\t')).Select(p => (Index: int.Parse(p[0]), Id: p[1])).ToArray();
    var clients = options.Int("clients", 16);
    var seconds = options.Int("seconds", 20);
    var practitioners = Enumerable.Range(0, DataSet.GpCount(ids.Max(i => i.Index) + 1)).Select(DataSet.GpId).ToArray();
    var kinds = new (string Name, Func<Random, string> Url)[]
    {
        ("Patient?identifier", r => $"Patient?identifier=http://fhir.nl/fhir/NamingSystem/bsn|{DataSet.Bsn(ids[r.Next(ids.Length)].Index)}"),
        ("Observation lab by patient, -date", r => $"Observation?patient={ids[r.Next(ids.Length)].Id}&category=laboratory&_sort=-date&_count=20"),
        ("Appointment by actor and day", r =>
        {
            var day = DateTime.UtcNow.Date.AddDays(r.Next(-300, 100));
            return $"Appointment?actor=Practitioner/{practitioners[r.Next(practitioners.Length)]}&date=ge{day:yyyy-MM-dd}&date=lt{day.AddDays(1):yyyy-MM-dd}";
        }),
        ("Communication by recipient, in-progress", r => $"Communication?recipient=Practitioner/{practitioners[r.Next(practitioners.Length)]}&status=in-progress&_sort=sent&_count=20"),
        ("chained subject:Patient.identifier", r => $"Observation?subject:Patient.identifier=http://fhir.nl/fhir/NamingSystem/bsn|{DataSet.Bsn(ids[r.Next(ids.Length)].Index)}&_count=20"),
        ("_include requester", r => $"MedicationRequest?patient={ids[r.Next(ids.Length)].Id}&_include=MedicationRequest:requester"),
    };
    var serverPid = options.Int("server-pid", 0);
    var perKindSeconds = options.Int("seconds-per-kind", 0);
    // --timeline 1: the timed mix also prints its requests and latencies per second, to see whether the slow requests
    // come together (a background round of the server) or spread evenly.
    var timeline = options.Int("timeline", 0) == 1;
    // Closed-loop clients on a shared machine: latency is CPU per request times queueing, so the server's and
    // this process's CPU time per request are the comparable figures (from /proc/PID/stat, as bench/fhir/run.sh).
    // --only 2,3 runs just those kinds (0-based, as listed), for profiling one query shape.
    var selected = options.Get("only", "") is { Length: > 0 } only ? only.Split(',').Select(int.Parse).ToArray() : Enumerable.Range(0, kinds.Length).ToArray();
    // Warm-up before the timed mix, in 10 s slices whose throughput is printed: on this 2-core machine the server's
    // JIT (tiered, with dynamic PGO) needs about 30 s of searching to reach its steady speed, and the first seconds
    // run at a third of it (bench/RESULTS.md, session 6). The figures below are the steady state that follows.
    var warmup = options.Int("warmup", 30);
    var slices = new List<string>();
    for (var done = 0; done < warmup; done += 10)
    {
        var slice = await RunMix(http, kinds, selected, clients, Math.Min(10, warmup - done), serverPid);
        slices.Add($"{slice.Throughput:N0}/s");
    }
    if (slices.Count > 0)
        Console.WriteLine($"warm-up ({warmup} s, 10 s slices): {string.Join(", ", slices)}");
    var mix = await RunMix(http, kinds, selected, clients, seconds, serverPid, timeline);
    Console.WriteLine($"| query ({clients} clients, {seconds} s) | requests | p50 ms | p95 ms |");
    Console.WriteLine("|---|---|---|---|");
    foreach (var k in selected)
        Console.WriteLine($"| {kinds[k].Name} | {mix.Latencies[k].Length} | {Percentile(mix.Latencies[k], 50):F1} | {Percentile(mix.Latencies[k], 95):F1} |");
    Console.WriteLine($"| mix throughput | {mix.Throughput:N0} requests/s | errors {mix.Errors} | |");
    Console.WriteLine($"| CPU per request (server / client) | {Cpu(mix.ServerCpuPerRequest)} / {mix.ClientCpuPerRequest:F0} µs | load average {LoadAverage()} | |");
    Console.WriteLine($"RESULT search_throughput={mix.Throughput:F0} errors={mix.Errors} server_cpu_us={mix.ServerCpuPerRequest:F0} client_cpu_us={mix.ClientCpuPerRequest:F0}");
    var errors = mix.Errors;
    if (perKindSeconds > 0)
    {
        Console.WriteLine();
        Console.WriteLine($"| one query kind at a time ({clients} clients, {perKindSeconds} s each) | requests/s | p50 ms | p95 ms | server CPU µs/request | client CPU µs/request |");
        Console.WriteLine("|---|---|---|---|---|---|");
        for (var k = 0; k < kinds.Length; k++)
        {
            var one = await RunMix(http, kinds, [k], clients, perKindSeconds, serverPid);
            errors += one.Errors;
            Console.WriteLine($"| {kinds[k].Name} | {one.Throughput:N0} | {Percentile(one.Latencies[k], 50):F1} | {Percentile(one.Latencies[k], 95):F1} | {Cpu(one.ServerCpuPerRequest)} | {one.ClientCpuPerRequest:F0} |");
        }
    }
    return errors == 0 ? 0 : 1;
}

static string Cpu(double microseconds) => double.IsNaN(microseconds) ? "n/a" : microseconds.ToString("F0");

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

/// <summary>CPU time (user + system) of a process in microseconds, from /proc/PID/stat; NaN when unknown.</summary>
static double ProcessCpuMicroseconds(int pid)
{
    if (pid <= 0 || !File.Exists($"/proc/{pid}/stat"))
        return double.NaN;
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    // Fields 14 and 15 (utime, stime) counted from 1; after "pid (comm) " the list starts at field 3.
    return (long.Parse(fields[11]) + long.Parse(fields[12])) * 1_000_000.0 / 100.0;
}

static async Task<MixResult> RunMix(HttpClient http, (string Name, Func<Random, string> Url)[] kinds, int[] selected, int clients, int seconds, int serverPid,
    bool timeline = false)
{
    var latencies = kinds.Select(_ => new ConcurrentBag<double>()).ToArray();
    var finished = new ConcurrentBag<(double At, double Ms)>();
    var errors = 0;
    var self = Process.GetCurrentProcess();
    var clientBefore = self.TotalProcessorTime;
    var serverBefore = ProcessCpuMicroseconds(serverPid);
    var deadline = DateTime.UtcNow.AddSeconds(seconds);
    var clock = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, clients).Select(async c =>
    {
        var random = new Random(c);
        var i = c;
        while (DateTime.UtcNow < deadline)
        {
            var k = selected[i++ % selected.Length];
            var started = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(kinds[k].Url(random));
            await response.Content.ReadAsByteArrayAsync();
            if (!response.IsSuccessStatusCode)
                Interlocked.Increment(ref errors);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            latencies[k].Add(ms);
            finished.Add((clock.Elapsed.TotalSeconds, ms));
        }
    }).ToList();
    await Task.WhenAll(workers);
    var elapsed = clock.Elapsed.TotalSeconds;
    var total = latencies.Sum(l => l.Count);
    self.Refresh();
    var clientCpu = (self.TotalProcessorTime - clientBefore).TotalMicroseconds;
    var serverCpu = ProcessCpuMicroseconds(serverPid) - serverBefore;
    if (timeline)
    {
        Console.WriteLine("| second | requests | p50 ms | p95 ms | max ms |");
        foreach (var second in finished.GroupBy(f => (int)f.At).OrderBy(g => g.Key))
        {
            var sorted = second.Select(f => f.Ms).Order().ToArray();
            Console.WriteLine($"| {second.Key} | {sorted.Length} | {Percentile(sorted, 50):F1} | {Percentile(sorted, 95):F1} | {sorted[^1]:F1} |");
        }
    }
    return new MixResult(
        [.. latencies.Select(l => l.OrderBy(x => x).ToArray())],
        total / elapsed,
        errors,
        serverCpu / Math.Max(1, total),
        clientCpu / Math.Max(1, total));
}

static double Percentile(double[] sorted, int p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];

internal sealed record MixResult(double[][] Latencies, double Throughput, int Errors, double ServerCpuPerRequest, double ClientCpuPerRequest);

internal sealed class Options(string command, Dictionary<string, string> values)
{
    public string Command { get; } = command;

    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 1; i + 1 < args.Length; i += 2)
            values[args[i].TrimStart('-')] = args[i + 1];
        return new Options(args.Length > 0 ? args[0] : "", values);
    }

    public string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    public int Int(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v) : fallback;
}
