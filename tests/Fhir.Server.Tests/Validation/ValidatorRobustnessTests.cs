using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fhir.Server.Tests.Validation;

/// <summary>
/// Bad input must give issues, never an exception (a 500 on bad input is a bug): official examples
/// with random values swapped for every other JSON kind are validated without throwing.
/// </summary>
public sealed class ValidatorRobustnessTests
{
    private static readonly JsonNode?[] Replacements =
    [
        null, JsonValue.Create(""), JsonValue.Create("x"), JsonValue.Create(0), JsonValue.Create(-1.5e300), JsonValue.Create(true),
        new JsonArray(), new JsonArray(JsonValue.Create(1), null), new JsonObject(), new JsonObject { ["resourceType"] = "Patient" },
        new JsonObject { ["_x"] = new JsonArray() }, new JsonArray(new JsonArray()), JsonValue.Create("Patient/1/_history"),
    ];

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(SharedTestData.Examples, "*.json").Order(StringComparer.Ordinal).Where((_, i) => i % 3 == 0))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Validate_MutatedExample_ReportsIssuesWithoutThrowing(string file)
    {
        var original = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedTestData.Examples, file)))!;
        var random = new Random(file.Sum(c => c) * 7919); // stable per file, unlike string.GetHashCode
        for (var round = 0; round < 40; round++)
        {
            var copy = original.DeepClone();
            var slots = new List<(JsonNode Parent, object Key)>();
            Collect(copy, slots);
            if (slots.Count == 0) return;
            for (var m = 0; m < 1 + round % 3; m++)
            {
                var (parent, key) = slots[random.Next(slots.Count)];
                var replacement = Replacements[random.Next(Replacements.Length)]?.DeepClone();
                try
                {
                    if (parent is JsonObject obj) obj[(string)key] = replacement;
                    else ((JsonArray)parent)[(int)key] = replacement;
                }
                catch (InvalidOperationException)
                {
                    // The slot was detached by an earlier mutation of its ancestor.
                }
            }
            using var document = JsonDocument.Parse(copy.ToJsonString());
            var result = V.Validator.Validate(document.RootElement);
            Assert.All(result.Issues, issue => Assert.False(string.IsNullOrEmpty(issue.Expression)));
        }
    }

    private static void Collect(JsonNode node, List<(JsonNode, object)> slots)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    slots.Add((obj, key));
                    if (value is not null) Collect(value, slots);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add((array, i));
                    if (array[i] is { } item) Collect(item, slots);
                }
                break;
        }
    }
}
