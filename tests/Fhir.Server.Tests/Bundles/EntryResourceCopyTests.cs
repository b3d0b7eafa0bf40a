using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Features.Bundles;
using Fhir.Server.Tests.Validation;

namespace Fhir.Server.Tests.Bundles;

/// <summary>The one-pass copy of a bundle entry's resource stores what the JSON tree it replaced stored.</summary>
public sealed class EntryResourceCopyTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

    private static readonly Dictionary<string, string> NoIdentities = [];

    /// <summary>
    /// Every official example, given a PUT's id, is stored byte for byte as the mutable-tree path stored it
    /// (parse to a JsonNode, set the id, serialise, parse again, write with id and meta).
    /// </summary>
    [Theory]
    [MemberData(nameof(OfficialExamplesTests.Examples), MemberType = typeof(OfficialExamplesTests))]
    public void Copy_WithId_StoresTheSameBytesAsTheJsonTreeDid(string file)
    {
        var json = Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(SharedTestData.Examples, file)));
        var tree = (JsonObject)JsonNode.Parse(json, documentOptions: FhirJson.DocumentOptions)!;
        tree["id"] = "new-id";
        using var treeDocument = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(tree), FhirJson.DocumentOptions);
        var expected = FhirJson.WithIdAndMeta(treeDocument.RootElement, "new-id", 2, Now);

        using var original = JsonDocument.Parse(json, FhirJson.DocumentOptions);
        var copy = EntryResourceCopy.Copy(original.RootElement, NoIdentities, null, "new-id");
        Assert.NotNull(copy);
        using var copied = JsonDocument.Parse(copy, FhirJson.DocumentOptions);
        var actual = FhirJson.WithIdAndMeta(copied.RootElement, "new-id", 2, Now, canonical: true);

        Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(actual));
    }

    [Fact]
    public void Copy_NothingToChange_ReturnsNull()
    {
        using var document = JsonDocument.Parse("""
            { "resourceType": "Observation", "id": "o1", "subject": { "reference": "Patient/p1" }, "valueQuantity": { "value": 1.50 } }
            """);

        Assert.Null(EntryResourceCopy.Copy(document.RootElement, new Dictionary<string, string> { ["urn:uuid:1"] = "Patient/p2" }, _ => "Patient/x", "o1"));
    }

    [Fact]
    public void Copy_RewritesFullUrlsWhereTheBundleRulesSay()
    {
        using var document = JsonDocument.Parse("""
            {"resourceType":"Observation","subject":{"reference":"\u0075rn:uuid:1"},"focus":[{"reference":"http://server/fhir/Patient/9"}],
             "note":[{"text":"urn:uuid:1"},{"text":"see urn:uuid:1"}],"extension":[{"url":"http://x","valueUri":"http://server/fhir/Patient/9"}],
             "basedOn":[{"reference":"Patient?identifier=http://example.org/mrn|7"}],"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">urn:uuid:1</div>"},
             "component":[{"valueString":"x","code":{"coding":[{"code":"urn:uuid:1"}]}}],"category":["urn:uuid:1","Patient?x=1"]}
            """);
        var identities = new Dictionary<string, string> { ["urn:uuid:1"] = "Patient/a", ["http://server/fhir/Patient/9"] = "Patient/9" };

        var copy = EntryResourceCopy.Copy(document.RootElement, identities, reference => "Patient/" + reference.Split('|')[1], null);

        Assert.Equal("""
            {"resourceType":"Observation","subject":{"reference":"Patient/a"},"focus":[{"reference":"Patient/9"}],"note":[{"text":"Patient/a"},{"text":"see urn:uuid:1"}],"extension":[{"url":"http://x","valueUri":"http://server/fhir/Patient/9"}],"basedOn":[{"reference":"Patient/7"}],"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">urn:uuid:1</div>"},"component":[{"valueString":"x","code":{"coding":[{"code":"Patient/a"}]}}],"category":["Patient/a","Patient?x=1"]}
            """, Encoding.UTF8.GetString(copy!));
    }
}
