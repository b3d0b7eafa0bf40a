using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Infrastructure;
using Fhir.Server.Tests.Validation;

namespace Fhir.Server.Tests.Rest;

public class RoundTripAndConcurrencyTests(FhirServerFactory factory) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string> CoreExamples => new()
    {
        "patient-example.json",
        "practitioner-example.json",
        "organization-example.json",
        "schedule-example.json",
        "slot-example.json",
        "appointment-example.json",
        "communication-example.json",
        "medicationrequest0302.json",
        "observation-example.json",
    };

    /// <summary>What was accepted is what is returned, plus the server's id and meta.</summary>
    [Theory]
    [MemberData(nameof(CoreExamples))]
    public async Task OfficialExample_RoundTripsUnchanged(string file)
    {
        var original = File.ReadAllText(Path.Combine(SharedTestData.Examples, file));
        var type = JsonDocument.Parse(original).RootElement.GetProperty("resourceType").GetString()!;
        var id = JsonDocument.Parse(original).RootElement.GetProperty("id").GetString()!;

        var put = await _client.PutAsync($"/fhir/{type}/{id}", FhirHttp.Json(original));
        Assert.True(put.IsSuccessStatusCode, $"{file}: {put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        var read = await _client.GetStringAsync($"/fhir/{type}/{id}");

        Assert.True(JsonEquivalence.EqualIgnoringServerMeta(original, read, out var difference), $"{file}: {difference}");
    }

    [Fact]
    public async Task ParallelUpdates_WithSameIfMatch_ExactlyOneWins()
    {
        var created = await (await _client.PostAsync("/fhir/Patient", FhirHttp.Json("""{"resourceType":"Patient","gender":"male"}"""))).ReadJsonAsync();
        var id = created.GetProperty("id").GetString()!;
        var clients = Enumerable.Range(0, 12).Select(_ => factory.CreateClient()).ToList();
        using var start = new ManualResetEventSlim();

        var tasks = clients.Select((client, i) => Task.Run(async () =>
        {
            start.Wait();
            return await client.PutWithIfMatchAsync($"/fhir/Patient/{id}",
                $$"""{"resourceType":"Patient","id":"{{id}}","gender":"female","name":[{"text":"writer {{i}}"}]}""", "W/\"1\"");
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(tasks);

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(11, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        var history = await (await _client.GetAsync($"/fhir/Patient/{id}/_history")).ReadJsonAsync();
        Assert.Equal(2, history.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ParallelCreates_AllSucceedWithDistinctIds()
    {
        var tasks = Enumerable.Range(0, 200).Select(i => _client.PostAsync("/fhir/Basic",
            FhirHttp.Json("{\"resourceType\":\"Basic\",\"code\":{\"text\":\"parallel " + i + "\"}}")));
        var responses = await Task.WhenAll(tasks);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Equal(200, responses.Select(r => r.Headers.Location!.ToString()).Distinct().Count());
    }
}

/// <summary>Compares FHIR JSON structurally, numbers by their literal text, ignoring meta.versionId/lastUpdated.</summary>
public static class JsonEquivalence
{
    public static bool EqualIgnoringServerMeta(string expected, string actual, out string difference)
    {
        using var a = JsonDocument.Parse(expected);
        using var b = JsonDocument.Parse(actual);
        return Equal(a.RootElement, b.RootElement, "", out difference);
    }

    private static bool Equal(JsonElement a, JsonElement b, string path, out string difference)
    {
        difference = "";
        if (a.ValueKind != b.ValueKind)
        {
            difference = $"{path}: {a.ValueKind} vs {b.ValueKind}";
            return false;
        }
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var left = a.EnumerateObject().Where(p => !IsServerMeta(path, p.Name)).ToDictionary(p => p.Name, p => p.Value);
                var right = b.EnumerateObject().Where(p => !IsServerMeta(path, p.Name)).ToDictionary(p => p.Name, p => p.Value);
                if (path == "" && !left.ContainsKey("meta"))
                    right.Remove("meta");
                foreach (var (name, value) in left)
                {
                    if (!right.TryGetValue(name, out var other))
                    {
                        difference = $"{path}.{name} missing";
                        return false;
                    }
                    if (!Equal(value, other, $"{path}.{name}", out difference))
                        return false;
                }
                if (right.Keys.Except(left.Keys).FirstOrDefault() is { } extra)
                {
                    if (!(path == "" && extra == "meta" && right["meta"].EnumerateObject().All(p => IsServerMeta(".meta", p.Name))))
                    {
                        difference = $"{path}.{extra} added";
                        return false;
                    }
                }
                return true;
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength())
                {
                    difference = $"{path}: array length {a.GetArrayLength()} vs {b.GetArrayLength()}";
                    return false;
                }
                for (var i = 0; i < a.GetArrayLength(); i++)
                {
                    if (!Equal(a[i], b[i], $"{path}[{i}]", out difference))
                        return false;
                }
                return true;
            default:
                if (a.GetRawText() != b.GetRawText() && !(a.ValueKind == JsonValueKind.String && a.GetString() == b.GetString()))
                {
                    difference = $"{path}: {a.GetRawText()} vs {b.GetRawText()}";
                    return false;
                }
                return true;
        }
    }

    private static bool IsServerMeta(string path, string name) => path == ".meta" && name is "versionId" or "lastUpdated";
}
