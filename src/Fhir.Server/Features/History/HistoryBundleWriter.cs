using System.Buffers;
using System.Text.Json;
using Fhir.Server.Store;

namespace Fhir.Server.Features.History;

/// <summary>Renders a history page as a Bundle of type history; https://hl7.org/fhir/R4/http.html#history</summary>
public static class HistoryBundleWriter
{
    public static byte[] Render(HistoryPage page, string baseUrl, string selfUrl, string? nextUrl)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var w = new Utf8JsonWriter(buffer, FhirJson.WriterOptions))
        {
            FhirJson.WriteBundleStart(w, "history");
            if (page.Total is { } total)
                w.WriteNumber("total", total);
            w.WriteStartArray("link");
            WriteLink(w, "self", selfUrl);
            if (nextUrl is not null)
                WriteLink(w, "next", nextUrl);
            w.WriteEndArray();
            w.WriteStartArray("entry");
            foreach (var entry in page.Entries)
                WriteEntry(w, entry, baseUrl);
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

    private static void WriteEntry(Utf8JsonWriter w, StoredResource entry, string baseUrl)
    {
        w.WriteStartObject();
        w.WriteString("fullUrl", $"{baseUrl}/{entry.Type}/{entry.Id}");
        if (entry.Json is not null)
        {
            w.WritePropertyName("resource");
            w.WriteRawValue(entry.Json, skipInputValidation: true);
        }
        w.WriteStartObject("request");
        w.WriteString("method", entry.Method);
        w.WriteString("url", entry.Method == "POST" ? entry.Type : $"{entry.Type}/{entry.Id}");
        w.WriteEndObject();
        w.WriteStartObject("response");
        w.WriteString("status", entry.Method switch
        {
            "POST" => "201 Created",
            "DELETE" => "204 No Content",
            _ when entry.Version == 1 => "201 Created",
            _ => "200 OK",
        });
        w.WriteString("etag", entry.ETag);
        w.WriteString("lastModified", FhirJson.FormatInstant(entry.LastUpdated));
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
