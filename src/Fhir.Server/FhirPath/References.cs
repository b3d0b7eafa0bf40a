using System.Text.Json;

namespace Fhir.Server.FhirPath;

/// <summary>
/// <c>resolve()</c> without fetching (https://hl7.org/fhir/R4/fhirpath.html#functions): a local
/// reference <c>#id</c> yields the contained resource; <c>Type/id</c>, <c>Type/id/_history/v</c> or an
/// absolute URL ending so yields a <see cref="FhirPathResolvedReference"/> of that type, enough for
/// <c>resolve() is Patient</c>. Anything else (urn:uuid:, logical references) resolves to nothing.
/// </summary>
internal static class References
{
    public static IReadOnlyList<FhirPathValue> Resolve(Globals globals, IReadOnlyList<FhirPathValue> input)
    {
        if (input.Count == 0) return Compiler.Empty;
        var output = new List<FhirPathValue>();
        foreach (var item in input)
        {
            string? reference = null;
            if (item is FhirPathNode node)
            {
                if (node.Element.ValueKind == JsonValueKind.Object)
                {
                    if (node.FhirType == "Reference" && node.Element.TryGetProperty("reference", out var r) && r.ValueKind == JsonValueKind.String)
                        reference = r.GetString();
                }
                else if (node.FhirType is "uri" or "url" or "string")
                {
                    reference = Operators.AsString(node);
                }
            }
            else if (item is FhirPathString s)
            {
                reference = s.Value;
            }
            if (string.IsNullOrEmpty(reference)) continue;
            if (reference[0] == '#')
            {
                if (Contained(globals, reference[1..]) is { } contained) output.Add(contained);
                continue;
            }
            if (Parse(reference, globals.Definitions.IsResourceType) is { } resolved) output.Add(resolved);
        }
        return output;
    }

    private static FhirPathValue? Contained(Globals globals, string id)
    {
        if (id.Length == 0) return null;
        var container = (globals.RootResource ?? globals.Resource) as FhirPathNode;
        if (container is null || !container.Element.TryGetProperty("contained", out var contained) || contained.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var resource in contained.EnumerateArray())
        {
            if (resource.TryGetProperty("id", out var rid) && rid.ValueKind == JsonValueKind.String && rid.GetString() == id)
                return Navigation.ForResource(resource, globals.Definitions);
        }
        return null;
    }

    /// <summary>The marker for a literal reference <c>[base/]Type/id[/_history/version]</c>, or null.</summary>
    public static FhirPathResolvedReference? Parse(string reference, Func<string, bool> isResourceType) =>
        ReferenceParts.Parse(reference, isResourceType) is { } parts ? new FhirPathResolvedReference(parts.Type, parts.Id, reference) : null;

    internal static bool IsId(string id)
    {
        if (id.Length is 0 or > 64) return false;
        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '.') return false;
        }
        return true;
    }
}

/// <summary>
/// The parts at the end of a literal reference (https://hl7.org/fhir/R4/references.html#literal):
/// <c>[base/]Type/id[/_history/version]</c>, where Type is a resource type and id matches the id rule.
/// </summary>
public readonly record struct ReferenceParts(string Type, string Id, string? Version)
{
    public static ReferenceParts? Parse(string reference, Func<string, bool> isResourceType)
    {
        if (reference.Contains('#') || reference.Contains('?')) return null;
        var segments = reference.Split('/');
        int n = segments.Length;
        string? version = null;
        if (n >= 4 && segments[n - 2] == "_history")
        {
            version = segments[n - 1];
            n -= 2;
        }
        if (n < 2) return null;
        var type = segments[n - 2];
        var id = segments[n - 1];
        if (!isResourceType(type) || !References.IsId(id)) return null;
        return new ReferenceParts(type, id, version);
    }
}
