using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Fhir.Server.Features.Bundles;

/// <summary>
/// The resource of a POST or PUT entry as it will be validated, indexed and stored: references to
/// fullUrls of the bundle become the Type/id they were given, conditional references
/// (<c>Patient?identifier=...</c>) the one resource they find, and a PUT's id the id it writes
/// (https://hl7.org/fhir/R4/http.html#trules). It is one token-by-token copy of the entry's JSON
/// (no mutable tree, no second serialisation); when nothing changes the entry's own element is used.
/// </summary>
internal static class EntryResourceCopy
{
    /// <summary>
    /// Copies <paramref name="resource"/> with the changes; null when the copy would equal the original.
    /// A copy is minified and escaped as <see cref="FhirJson.WriterOptions"/> write it.
    /// </summary>
    /// <param name="identities">fullUrl to Type/id: a string equal to a key is replaced when it is a
    /// <c>reference</c> or starts with <c>urn:</c> (an array item only when it starts with <c>urn:</c>).</param>
    /// <param name="resolveConditional">Type?query reference to Type/id; null when conditional references are left as they are.</param>
    /// <param name="id">The id the resource must carry (a PUT), or null to keep its own.</param>
    public static byte[]? Copy(JsonElement resource, IReadOnlyDictionary<string, string> identities, Func<string, string>? resolveConditional, string? id)
    {
        var raw = JsonMarshal.GetRawUtf8Value(resource);
        var buffer = new ArrayBufferWriter<byte>(raw.Length + 64);
        var changed = false;
        using (var w = new Utf8JsonWriter(buffer, FhirJson.WriterOptions))
        {
            var reader = new Utf8JsonReader(raw, new JsonReaderOptions { MaxDepth = FhirJson.DocumentOptions.MaxDepth });
            var idWritten = id is null;
            var propertyValue = false;
            var isReference = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (!idWritten && reader.CurrentDepth == 1 && reader.ValueTextEquals("id"u8))
                        {
                            reader.Read();
                            if (reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(id))
                                changed = true;
                            reader.Skip();
                            w.WriteString("id", id);
                            idWritten = true;
                            propertyValue = false;
                            continue;
                        }
                        isReference = reader.ValueTextEquals("reference"u8);
                        if (reader.ValueIsEscaped)
                            w.WritePropertyName(reader.GetString()!);
                        else
                            w.WritePropertyName(reader.ValueSpan);
                        propertyValue = true;
                        continue;
                    case JsonTokenType.String:
                        if (Replacement(ref reader, propertyValue && isReference, identities, resolveConditional) is { } replacement)
                        {
                            w.WriteStringValue(replacement);
                            changed = true;
                        }
                        else if (reader.ValueIsEscaped)
                        {
                            w.WriteStringValue(reader.GetString());
                        }
                        else
                        {
                            w.WriteStringValue(reader.ValueSpan);
                        }
                        break;
                    case JsonTokenType.StartObject:
                        w.WriteStartObject();
                        break;
                    case JsonTokenType.EndObject:
                        if (!idWritten && reader.CurrentDepth == 0)
                        {
                            w.WriteString("id", id);
                            idWritten = true;
                            changed = true;
                        }
                        w.WriteEndObject();
                        break;
                    case JsonTokenType.StartArray:
                        w.WriteStartArray();
                        break;
                    case JsonTokenType.EndArray:
                        w.WriteEndArray();
                        break;
                    case JsonTokenType.Number:
                        // As written, so decimals keep their precision.
                        w.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                        break;
                    case JsonTokenType.True:
                        w.WriteBooleanValue(true);
                        break;
                    case JsonTokenType.False:
                        w.WriteBooleanValue(false);
                        break;
                    case JsonTokenType.Null:
                        w.WriteNullValue();
                        break;
                }
                propertyValue = false;
            }
        }
        return changed ? buffer.WrittenSpan.ToArray() : null;
    }

    private static string? Replacement(ref Utf8JsonReader reader, bool reference, IReadOnlyDictionary<string, string> identities, Func<string, string>? resolveConditional)
    {
        if (identities.Count == 0 && resolveConditional is null)
            return null;
        if (!reference && (identities.Count == 0 || !StartsWithUrn(ref reader)))
            return null;
        var text = reader.GetString()!;
        if (identities.TryGetValue(text, out var target) && (reference || text.StartsWith("urn:", StringComparison.Ordinal)))
            return target;
        // Type?query, not an absolute URL with a query (the query itself may hold URLs: identifier=http://...|123).
        if (reference && resolveConditional is not null && text.IndexOf('?') is var q and > 0 && !text.AsSpan(0, q).Contains("://", StringComparison.Ordinal))
            return resolveConditional(text);
        return null;
    }

    private static bool StartsWithUrn(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped
            ? reader.GetString()!.StartsWith("urn:", StringComparison.Ordinal)
            : reader.ValueSpan.StartsWith("urn:"u8);
}
