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

    /// <summary>The type and id at the end of a literal reference: <c>[base/]Type/id[/_history/version]</c>.</summary>
    public static FhirPathResolvedReference? Parse(string reference, Func<string, bool> isResourceType)
    {
        var span = reference.AsSpan();
        int hash = span.IndexOf('#');
        if (hash >= 0) return null;
        int query = span.IndexOf('?');
        if (query >= 0) return null;
        var segments = reference.Split('/');
        int n = segments.Length;
        if (n >= 4 && segments[n - 2] == "_history") n -= 2;
        if (n < 2) return null;
        var type = segments[n - 2];
        var id = segments[n - 1];
        if (!isResourceType(type) || !IsId(id)) return null;
        return new FhirPathResolvedReference(type, id, reference);
    }

    private static bool IsId(string id)
    {
        if (id.Length is 0 or > 64) return false;
        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '.') return false;
        }
        return true;
    }
}
