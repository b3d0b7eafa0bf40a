using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Fhir.Server.Tests.Validation;

/// <summary>
/// Validation runs on every write; a typical resource must take well under a millisecond. Measured
/// as processor time, not wall time: the build machine is shared and wall times swing by 10x.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class ValidatorPerformanceTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("patient-example.json")]
    [InlineData("observation-example.json")]
    public void Validate_TypicalResource_TakesWellUnderOneMillisecond(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedTestData.Examples, file)));
        var resource = document.RootElement;
        for (var i = 0; i < 1000; i++) V.Validator.Validate(resource);

        const int runs = 10000;
        var wall = Stopwatch.StartNew();
        var cpu = ProcessorTime.OfThisThread(() =>
        {
            for (var i = 0; i < runs; i++) V.Validator.Validate(resource);
        });
        var perResource = cpu.TotalMicroseconds / runs;
        output.WriteLine($"{file}: {perResource:F1} µs processor time per validation ({wall.Elapsed.TotalMicroseconds / runs:F1} µs wall)");
        Assert.True(perResource < 250, $"{file}: {perResource:F1} µs per validation");
    }
}

/// <summary>Processor time spent while an action runs (timing tests run alone, see <see cref="TimingCollection"/>).</summary>
internal static class ProcessorTime
{
    /// <summary>All threads of this process (for work that runs in parallel).</summary>
    public static TimeSpan Of(Action action)
    {
        using var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        action();
        process.Refresh();
        return process.TotalProcessorTime - before;
    }

    /// <summary>
    /// The calling thread only, from /proc/thread-self/stat on Linux (so GC and JIT threads do not
    /// count); elsewhere the whole process.
    /// </summary>
    public static TimeSpan OfThisThread(Action action)
    {
        if (!File.Exists("/proc/thread-self/stat")) return Of(action);
        var before = ThreadTicks();
        action();
        return TimeSpan.FromMilliseconds((ThreadTicks() - before) * 10.0); // USER_HZ = 100
    }

    private static long ThreadTicks()
    {
        // Fields after "(comm)": state is index 0, utime 11, stime 12.
        var text = File.ReadAllText("/proc/thread-self/stat");
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) +
            long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Timing tests run alone so that other tests of this assembly do not skew them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing";
}
