using System.Buffers;
using System.Text.Json;

namespace Graph.Engine.Execution;

/// <summary>Writes an <see cref="ExecutionResult"/> as a GraphQL response map (spec 7.1 Response Format).</summary>
public static class ResultSerializer
{
    public static void Write(Utf8JsonWriter w, ExecutionResult result)
    {
        w.WriteStartObject();
        if (result.Errors.Count > 0)
        {
            w.WritePropertyName("errors");
            w.WriteStartArray();
            foreach (var e in result.Errors) WriteError(w, e);
            w.WriteEndArray();
        }
        if (result.HasData)
        {
            w.WritePropertyName("data");
            WriteValue(w, result.Data);
        }
        w.WriteEndObject();
    }

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        SkipValidation = true,
        // Responses are UTF-8 JSON, never embedded in HTML: non-ASCII text is written as is.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [ThreadStatic] private static Utf8JsonWriter? _cachedWriter;

    /// <summary>Writes the response into a buffer (for example an HTTP response's PipeWriter) without intermediate copies.</summary>
    public static void Write(IBufferWriter<byte> output, ExecutionResult result)
    {
        var w = _cachedWriter;
        if (w is null) _cachedWriter = w = new Utf8JsonWriter(output, WriterOptions);
        else w.Reset(output);
        try
        {
            Write(w, result);
            w.Flush();
        }
        finally
        {
            w.Reset(Stream.Null);
        }
    }

    public static byte[] ToUtf8Bytes(ExecutionResult result)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        Write(buffer, result);
        return buffer.WrittenSpan.ToArray();
    }

    public static string ToJson(ExecutionResult result) => System.Text.Encoding.UTF8.GetString(ToUtf8Bytes(result));

    private static void WriteError(Utf8JsonWriter w, GraphError e)
    {
        w.WriteStartObject();
        w.WriteString("message", e.Message);
        if (e.Locations.Count > 0)
        {
            w.WritePropertyName("locations");
            w.WriteStartArray();
            foreach (var l in e.Locations)
            {
                w.WriteStartObject();
                w.WriteNumber("line", l.Line);
                w.WriteNumber("column", l.Column);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (e.Path is not null)
        {
            w.WritePropertyName("path");
            w.WriteStartArray();
            foreach (var p in e.Path)
                if (p is int i) w.WriteNumberValue(i);
                else w.WriteStringValue((string)p);
            w.WriteEndArray();
        }
        w.WritePropertyName("extensions");
        WriteValue(w, e.Extensions);
        w.WriteEndObject();
    }

    public static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case int i: w.WriteNumberValue(i); break;
            case bool b: w.WriteBooleanValue(b); break;
            case double d: w.WriteNumberValue(d); break;
            case long l: w.WriteNumberValue(l); break;
            case ResultMap m:
                w.WriteStartObject();
                var keys = m.Keys;
                var values = m.Values;
                for (var k = 0; k < keys.Length; k++)
                {
                    w.WritePropertyName(keys[k]);
                    WriteValue(w, values[k]);
                }
                w.WriteEndObject();
                break;
            case List<object?> list:
                w.WriteStartArray();
                foreach (var item in list) WriteValue(w, item);
                w.WriteEndArray();
                break;
            case IDictionary<string, object?> dict:
                w.WriteStartObject();
                foreach (var kv in dict)
                {
                    w.WritePropertyName(kv.Key);
                    WriteValue(w, kv.Value);
                }
                w.WriteEndObject();
                break;
            case System.Collections.IEnumerable e:
                w.WriteStartArray();
                foreach (var item in e) WriteValue(w, item);
                w.WriteEndArray();
                break;
            default:
                JsonSerializer.Serialize(w, value, value.GetType());
                break;
        }
    }
}
