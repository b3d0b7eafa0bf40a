using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Fhir.Server.Tests.Validation;

/// <summary>
/// Validation runs on every write; a typical resource must take well under a millisecond. Best of
/// several rounds, not in parallel with other tests, because the build machine is shared.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class ValidatorPerformanceTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("patient-example.json")]
    [InlineData("observation-example.json")]
    public void Validate_TypicalResource_TakesWellUnderOneMillisecond(string file)
    {
        var text = File.ReadAllText(Path.Combine(SharedTestData.Examples, file));
        using var document = JsonDocument.Parse(text);
        var resource = document.RootElement;
        for (var i = 0; i < 500; i++)
        {
            V.Validator.Validate(resource);
            JsonDocument.Parse(text).Dispose();
        }

        // The machine is shared by several builds, so absolute times swing by 10x. The bound that
        // guards against regressions is relative to parsing the same resource, measured in
        // interleaved rounds so that both see the same load.
        double validate = double.MaxValue, parse = double.MaxValue;
        for (var round = 0; round < 20; round++)
        {
            validate = Math.Min(validate, Measure(() => V.Validator.Validate(resource)));
            parse = Math.Min(parse, Measure(() => JsonDocument.Parse(text).Dispose()));
        }
        output.WriteLine($"{file}: validate {validate:F1} µs, parse {parse:F1} µs ({validate / parse:F1}x)");
        Assert.True(validate < 20 * parse, $"{file}: validation {validate:F1} µs is more than 20x parsing ({parse:F1} µs)");
        Assert.True(validate < 2000, $"{file}: {validate:F1} µs per validation");
    }

    private static double Measure(Action action)
    {
        const int runs = 200;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++) action();
        return watch.Elapsed.TotalMicroseconds / runs;
    }
}

/// <summary>Timing tests run alone so that other tests of this assembly do not skew them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing";
}
