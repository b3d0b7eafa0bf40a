using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fhir.Server.Features.Outcomes;

namespace Fhir.Server;

/// <summary>
/// JSON as the server reads and writes it (https://hl7.org/fhir/R4/json.html). Values are copied
/// as they came, so decimals keep their precision (1.50 stays 1.50) and text keeps its characters.
/// </summary>
public static class FhirJson
{
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 128,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>Parses a request body; malformed JSON becomes a 400 with the position of the fault.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
            throw FhirException.BadRequest("The request body is empty; a FHIR resource in JSON was expected");
        try
        {
            return JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
    }

    /// <summary>Parses a request body into a mutable tree, with the same limits and errors as <see cref="Parse"/>.</summary>
    public static System.Text.Json.Nodes.JsonNode? ParseNode(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
            throw FhirException.BadRequest("The request body is empty; a FHIR resource in JSON was expected");
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(body.Span, documentOptions: DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw Malformed(ex);
        }
    }

    private static FhirException Malformed(JsonException ex)
    {
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, position {ex.BytePositionInLine + 1})" : "";
        return new FhirException(400, IssueCodes.Structure, $"The body is not valid JSON{where}: {FirstSentence(ex.Message)}");
    }

    /// <summary>A FHIR instant in UTC with milliseconds, e.g. 2026-11-22T10:15:00.123Z.</summary>
    public static string FormatInstant(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The resource with the server's id and meta.versionId/lastUpdated, other meta kept, property order kept.</summary>
    public static byte[] WithIdAndMeta(JsonElement resource, string id, long version, DateTimeOffset lastUpdated)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", resource.GetProperty("resourceType").GetString());
            w.WriteString("id", id);
            w.WritePropertyName("meta");
            w.WriteStartObject();
            w.WriteString("versionId", version.ToString(CultureInfo.InvariantCulture));
            w.WriteString("lastUpdated", FormatInstant(lastUpdated));
            if (resource.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in meta.EnumerateObject())
                {
                    if (p.NameEquals("versionId") || p.NameEquals("lastUpdated") || p.NameEquals("_versionId") || p.NameEquals("_lastUpdated"))
                        continue;
                    p.WriteTo(w);
                }
            }
            w.WriteEndObject();
            foreach (var p in resource.EnumerateObject())
            {
                if (p.NameEquals("resourceType") || p.NameEquals("id") || p.NameEquals("meta"))
                    continue;
                p.WriteTo(w);
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Opens a Bundle of the given type: resourceType, a new id and meta.lastUpdated (the caller closes it).</summary>
    public static void WriteBundleStart(Utf8JsonWriter w, string type)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "Bundle");
        w.WriteString("id", Guid.NewGuid().ToString());
        w.WriteStartObject("meta");
        w.WriteString("lastUpdated", FormatInstant(DateTimeOffset.UtcNow));
        w.WriteEndObject();
        w.WriteString("type", type);
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
