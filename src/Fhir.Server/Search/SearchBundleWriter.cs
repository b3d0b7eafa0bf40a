using System.Buffers;
using System.Text.Json;
using Fhir.Server.Definitions;
using Fhir.Server.Features.Outcomes;
using Fhir.Server.Search.Indexing;
using Fhir.Server.Search.Parsing;
using Fhir.Server.Search.Query;

namespace Fhir.Server.Search;

/// <summary>
/// Writes a searchset Bundle (https://hl7.org/fhir/R4/bundle.html#searchset): matches, includes and an
/// outcome entry for what was ignored, with _summary and _elements applied
/// (https://hl7.org/fhir/R4/search.html#summary, #elements).
/// </summary>
public sealed class SearchBundleWriter(FhirDefinitions definitions)
{
    private static readonly byte[] SubsettedTag = """{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationValue","code":"SUBSETTED","display":"Resource content was subsetted"}"""u8.ToArray();

    public sealed record Links(string Self, string? Next, string? Previous, string? First);

    public byte[] Write(SearchPage page, SearchRequest request, string baseUrl, Links links)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var w = new Utf8JsonWriter(buffer, FhirJson.WriterOptions))
        {
            FhirJson.WriteBundleStart(w, "searchset");
            if (page.Total is { } total)
                w.WriteNumber("total", total);
            w.WriteStartArray("link");
            WriteLink(w, "self", links.Self);
            if (links.First is not null)
                WriteLink(w, "first", links.First);
            if (links.Previous is not null)
                WriteLink(w, "previous", links.Previous);
            if (links.Next is not null)
                WriteLink(w, "next", links.Next);
            w.WriteEndArray();
            w.WriteStartArray("entry");
            if (request.Ignored.Count > 0)
            {
                w.WriteStartObject();
                w.WritePropertyName("resource");
                OperationOutcomeWriter.Write(w, request.Ignored.Select(m => new OutcomeIssue("warning", IssueCodes.NotSupported, m)));
                w.WriteStartObject("search");
                w.WriteString("mode", "outcome");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            foreach (var hit in page.Matches)
                WriteEntry(w, hit, "match", request, baseUrl);
            foreach (var hit in page.Included)
                WriteEntry(w, hit, "include", request, baseUrl);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteLink(Utf8JsonWriter w, string relation, string url)
    {
        w.WriteStartObject();
        w.WriteString("relation", relation);
        w.WriteString("url", url);
        w.WriteEndObject();
    }

    /// <summary>
    /// One entry. A contained resource returned as itself (<c>_containedType=contained</c>) has the URL of its container with
    /// its local id as fragment (https://hl7.org/fhir/R4/search.html#contained).
    /// </summary>
    private void WriteEntry(Utf8JsonWriter w, SearchHit hit, string mode, SearchRequest request, string baseUrl)
    {
        var container = SearchIndexer.ContainerOf(hit.Id);
        var json = hit.Json is not null && container is { } c ? ContainedJson(hit.Json, c.Local) : hit.Json;
        if (json is null)
            return;
        w.WriteStartObject();
        w.WriteString("fullUrl", container is null ? $"{baseUrl}/{hit.Type}/{hit.Id}" : $"{baseUrl}/{hit.Id}");
        w.WritePropertyName("resource");
        if (request.Summary is SummaryMode.None or SummaryMode.False && request.Elements is null)
            w.WriteRawValue(json, skipInputValidation: true);
        else
            WriteSubset(w, hit.Type, json, request);
        w.WriteStartObject("search");
        w.WriteString("mode", mode);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The contained resource with the local id, from its container's JSON; null when the container no longer has it.</summary>
    private static byte[]? ContainedJson(byte[] container, string local)
    {
        using var document = JsonDocument.Parse(container);
        if (!document.RootElement.TryGetProperty("contained", out var contained) || contained.ValueKind != JsonValueKind.Array)
            return null;
        foreach (var item in contained.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id) && id.ValueEquals(local))
                return System.Text.Encoding.UTF8.GetBytes(item.GetRawText()); // as stored, like every other entry
        }
        return null;
    }

    private void WriteSubset(Utf8JsonWriter w, string type, byte[] json, SearchRequest request)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var keep = Keep(type, request);
        w.WriteStartObject();
        foreach (var property in root.EnumerateObject())
        {
            var name = property.Name.TrimStart('_');
            if (property.NameEquals("meta"))
            {
                WriteSubsettedMeta(w, property.Value);
                continue;
            }
            if (name is "resourceType" or "id" || keep(name))
                property.WriteTo(w);
        }
        w.WriteEndObject();
    }

    private Func<string, bool> Keep(string type, SearchRequest request)
    {
        var rootElement = definitions.GetStructure(type)?.Root;
        var children = rootElement?.Children ?? [];
        bool Matches(string jsonName, Func<Definitions.ElementModel, bool> predicate) => children.Any(c => predicate(c) &&
            (c.Name == jsonName || (c.IsChoice && jsonName.StartsWith(c.ChoiceBaseName, StringComparison.Ordinal)
                && jsonName.Length > c.ChoiceBaseName.Length && char.IsAsciiLetterUpper(jsonName[c.ChoiceBaseName.Length]))));
        if (request.Elements is { } elements)
        {
            var wanted = elements.Select(e => e.Contains('.') ? e[(e.IndexOf('.') + 1)..].Split('.')[0] : e).ToHashSet(StringComparer.Ordinal);
            return name => wanted.Contains(name) || Matches(name, c => c.Min > 0 || c.IsModifier);
        }
        return request.Summary switch
        {
            SummaryMode.True => name => Matches(name, c => c.IsSummary),
            SummaryMode.Text => name => name == "text" || Matches(name, c => c.Min > 0),
            SummaryMode.Data => name => name != "text",
            _ => _ => true,
        };
    }

    private static void WriteSubsettedMeta(Utf8JsonWriter w, JsonElement meta)
    {
        w.WritePropertyName("meta");
        w.WriteStartObject();
        var wroteTag = false;
        foreach (var property in meta.EnumerateObject())
        {
            if (property.NameEquals("tag") && property.Value.ValueKind == JsonValueKind.Array)
            {
                w.WriteStartArray("tag");
                foreach (var tag in property.Value.EnumerateArray())
                    tag.WriteTo(w);
                w.WriteRawValue(SubsettedTag, skipInputValidation: true);
                w.WriteEndArray();
                wroteTag = true;
                continue;
            }
            property.WriteTo(w);
        }
        if (!wroteTag)
        {
            w.WriteStartArray("tag");
            w.WriteRawValue(SubsettedTag, skipInputValidation: true);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }
}
