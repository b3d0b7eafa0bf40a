using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
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

    private static FhirException Malformed(JsonException ex)
    {
        var where = ex.LineNumber is { } line ? $" (line {line + 1}, position {ex.BytePositionInLine + 1})" : "";
        return new FhirException(400, IssueCodes.Structure, $"The body is not valid JSON{where}: {FirstSentence(ex.Message)}");
    }

    /// <summary>The value of a string property of an object; null when it is absent or not a string.</summary>
    public static string? StringProperty(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A FHIR instant in UTC with milliseconds, e.g. 2026-11-22T10:15:00.123Z.</summary>
    public static string FormatInstant(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The resource with the server's id and meta.versionId/lastUpdated, other meta kept, property order kept.</summary>
    /// <param name="canonical">The resource's raw JSON was written with <see cref="WriterOptions"/> (minified, the same escaping),
    /// so its values are copied as raw text instead of being read and written again: the bytes are the same either way.</param>
    public static byte[] WithIdAndMeta(JsonElement resource, string id, long version, DateTimeOffset lastUpdated, bool canonical = false)
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
                    WriteProperty(w, p, canonical);
                }
            }
            w.WriteEndObject();
            foreach (var p in resource.EnumerateObject())
            {
                if (p.NameEquals("resourceType") || p.NameEquals("id") || p.NameEquals("meta"))
                    continue;
                WriteProperty(w, p, canonical);
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteProperty(Utf8JsonWriter w, JsonProperty p, bool canonical)
    {
        if (!canonical)
        {
            p.WriteTo(w);
            return;
        }
        // An unescaped name is passed as it is (the writer escapes it as it did when the name was first written).
        var name = JsonMarshal.GetRawUtf8PropertyName(p);
        if (name.IndexOf((byte)'\\') < 0)
            w.WritePropertyName(name);
        else
            w.WritePropertyName(p.Name);
        w.WriteRawValue(JsonMarshal.GetRawUtf8Value(p.Value), skipInputValidation: true);
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
