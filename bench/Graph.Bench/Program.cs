using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Graph.Bench;
using Graph.Engine.Execution;

// Benchmark: our engine vs graphql-js on the same schema, data and dashboard query, in one run.
// Usage: dotnet run -c Release --project bench/Graph.Bench -- [--seconds N] [--no-js]
var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(double.Parse).FirstOrDefault(3);
var runJs = !args.Contains("--no-js");
// Best of several rounds: the machine is shared, and the best round is the least disturbed one.
var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).FirstOrDefault(3);
var (patients, practice) = PortalModel.CreateData();
var executor = new GraphExecutor(PortalModel.BuildSchema(patients, practice));
var request = new GraphRequest { Query = PortalModel.DashboardQuery, Variables = PortalModel.Variables };

var reference = ResultSerializer.ToJson(await executor.ExecuteAsync(request));
if (reference.Contains("\"errors\"")) throw new InvalidOperationException(reference);

var coldCounter = 0;
// Responses are serialized into a reused buffer, as a server writes into its pooled response pipe.
var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
int Serialize(ExecutionResult r)
{
    buffer.ResetWrittenCount();
    ResultSerializer.Write(buffer, r);
    return buffer.WrittenCount;
}
var ourCached = Measure("cached", () => Serialize(executor.ExecuteAsync(request).GetAwaiter().GetResult()));
var ourCold = Measure("cold", () =>
{
    // A unique comment makes every document text new, so the request parses and validates from scratch.
    var cold = new GraphRequest { Query = PortalModel.DashboardQuery + "\n# " + coldCounter++, Variables = PortalModel.Variables };
    return Serialize(executor.ExecuteAsync(cold).GetAwaiter().GetResult());
});

Console.WriteLine($"GraphQL engine benchmark — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores, {CpuModel()}");
Console.WriteLine($"query: portal dashboard (patient header, 20 appointments, 20 messages, 8 prescriptions, 20 lab results, practice hours; fragments + variables); response {reference.Length} bytes");
Console.WriteLine($".NET {Environment.Version}; best of {rounds} rounds of {seconds} s per engine and mode");
Console.WriteLine();
Console.WriteLine("| engine | mode | ops per CPU-second | CPU µs/op | wall ops/s | allocated/op |");
Console.WriteLine("|---|---|---:|---:|---:|---:|");
Row("Graph.Engine", "cached", ourCached);
Row("Graph.Engine", "cold", ourCold);

if (runJs)
{
    var dataPath = Path.Combine(Path.GetTempPath(), $"graph-bench-{Environment.ProcessId}.json");
    File.WriteAllText(dataPath, JsonSerializer.Serialize(new { patients, practice, sdl = PortalModel.Sdl, query = PortalModel.DashboardQuery, variables = PortalModel.Variables },
        new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    var script = Path.Combine(FindRepoRoot(), "bench", "graph", "bench.mjs");
    var psi = new ProcessStartInfo("node", new[] { script, dataPath, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), rounds.ToString(System.Globalization.CultureInfo.InvariantCulture) }) { RedirectStandardOutput = true };
    using var node = Process.Start(psi)!;
    var output = await node.StandardOutput.ReadToEndAsync();
    await node.WaitForExitAsync();
    File.Delete(dataPath);
    using var js = JsonDocument.Parse(output);
    var root = js.RootElement;
    if (root.GetProperty("response").GetString() != reference)
    {
        Console.WriteLine("graphql-js response differs from ours:\n" + root.GetProperty("response").GetString() + "\n" + reference);
        return 1;
    }
    static Result Js(JsonElement e) => new(e.GetProperty("opsPerCpuSecond").GetDouble(), e.GetProperty("opsPerSec").GetDouble(), e.GetProperty("bytesPerOp").GetDouble());
    var jsCached = Js(root.GetProperty("cached"));
    var jsCold = Js(root.GetProperty("cold"));
    Row($"graphql-js {root.GetProperty("version").GetString()} (node {root.GetProperty("node").GetString()})", "cached", jsCached);
    Row($"graphql-js {root.GetProperty("version").GetString()} (node {root.GetProperty("node").GetString()})", "cold", jsCold);
    Console.WriteLine();
    Console.WriteLine($"identical responses: yes. speed-up per CPU-second, cached: {ourCached.OpsPerCpuSecond / jsCached.OpsPerCpuSecond:0.0}x (target >= 3x); cold: {ourCold.OpsPerCpuSecond / jsCold.OpsPerCpuSecond:0.0}x (target >= 1.5x)");
    Console.WriteLine($"speed-up wall clock, cached: {ourCached.WallOpsPerSecond / jsCached.WallOpsPerSecond:0.0}x; cold: {ourCold.WallOpsPerSecond / jsCold.WallOpsPerSecond:0.0}x");
    Console.WriteLine("(graphql-js bytes/op: V8 heap growth per op, sampled — indicative only)");
}
return 0;

Result Measure(string name, Func<int> op)
{
    var warmUntil = Stopwatch.StartNew();
    while (warmUntil.Elapsed.TotalSeconds < Math.Min(1.5, seconds / 2)) op();
    var best = new Result(0, 0, 0);
    for (var round = 0; round < rounds; round++)
    {
        var r = MeasureOnce(op);
        if (r.OpsPerCpuSecond > best.OpsPerCpuSecond) best = r;
    }
    return best;
}

Result MeasureOnce(Func<int> op)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    var ops = 0L;
    var before = GC.GetTotalAllocatedBytes(true);
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    while (sw.Elapsed.TotalSeconds < seconds)
    {
        for (var i = 0; i < 100; i++) op();
        ops += 100;
    }
    sw.Stop();
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
    var allocated = GC.GetTotalAllocatedBytes(true) - before;
    return new Result(ops / cpu, ops / sw.Elapsed.TotalSeconds, (double)allocated / ops);
}

static void Row(string engine, string mode, Result r) =>
    Console.WriteLine($"| {engine} | {mode} | {r.OpsPerCpuSecond:N0} | {1e6 / r.OpsPerCpuSecond:0.0} | {r.WallOpsPerSecond:N0} | {(r.BytesPerOp > 0 ? $"{r.BytesPerOp / 1024:0.0} KiB" : "n/a")} |");

static string FindRepoRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln"))) dir = dir.Parent;
    return dir?.FullName ?? Directory.GetCurrentDirectory();
}

static string CpuModel()
{
    try
    {
        return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
    }
    catch (IOException) { return "unknown CPU"; }
}

/// <summary>Throughput per CPU-second (robust on a shared machine), wall-clock throughput and allocation per operation.</summary>
internal readonly record struct Result(double OpsPerCpuSecond, double WallOpsPerSecond, double BytesPerOp);
