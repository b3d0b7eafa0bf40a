using System.Globalization;
using Fhir.Server.Features.Outcomes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Fhir.Server.Rest;

/// <summary>Reading what a FHIR request asks for: format, body, versions, preferences.</summary>
public static class FhirRequest
{
    /// <summary>
    /// Content negotiation (https://hl7.org/fhir/R4/http.html#mime-type): <c>_format</c> wins over
    /// Accept; only JSON is served, anything else that excludes JSON is a 406.
    /// </summary>
    public static void EnsureJsonAcceptable(HttpContext context)
    {
        var format = context.Request.Query["_format"].ToString();
        if (format.Length > 0)
        {
            if (format is "json" or KnownMediaTypes.FhirJson or KnownMediaTypes.Json or "application/fhir json"
                || format.StartsWith(KnownMediaTypes.FhirJson + ";", StringComparison.OrdinalIgnoreCase)
                || format.StartsWith(KnownMediaTypes.Json + ";", StringComparison.OrdinalIgnoreCase))
                return;
            throw new FhirException(406, IssueCodes.NotSupported, $"_format={format} is not supported; this server speaks JSON (application/fhir+json)");
        }
        var accept = context.Request.Headers[HeaderNames.Accept];
        if (accept.Count == 0)
            return;
        if (!MediaTypeHeaderValue.TryParseList(accept, out var list) || list.Count == 0)
            return;
        foreach (var media in list)
        {
            if (media.Quality == 0)
                continue;
            var type = media.MediaType.Value ?? "";
            if (type is "*/*" or "application/*" or KnownMediaTypes.FhirJson or KnownMediaTypes.Json)
                return;
        }
        throw new FhirException(406, IssueCodes.NotSupported,
            $"Cannot answer in {accept}; this server speaks JSON (application/fhir+json)");
    }

    /// <summary>Reads the body of a write, checking its media type (415) and size (413).</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext context, params string[] mediaTypes)
    {
        var contentType = context.Request.ContentType;
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !mediaTypes.Contains(media.MediaType.Value ?? "", StringComparer.OrdinalIgnoreCase))
            throw new FhirException(415, IssueCodes.NotSupported,
                $"Content-Type '{contentType}' is not supported here; send {string.Join(" or ", mediaTypes)}");
        if (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            throw new FhirException(415, IssueCodes.NotSupported, $"Charset {media.Charset} is not supported; send UTF-8");

        var limit = context.RequestServices.GetRequiredService<IOptions<FhirServerOptions>>().Value.MaxBodyBytes;
        if (context.Request.ContentLength > limit)
            throw TooLarge(limit);
        using var buffer = new MemoryStream(context.Request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
                throw TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static FhirException TooLarge(long limit) =>
        new(413, IssueCodes.TooCostly, $"The request body is larger than the limit of {limit} bytes");

    /// <summary>The version in an ETag-style header value (<c>W/"3"</c>, <c>"3"</c> or <c>3</c>).</summary>
    public static long? ParseVersion(string headerValue)
    {
        var value = headerValue.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
            value = value[2..];
        value = value.Trim('"');
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
    }

    public static long? IfMatch(HttpContext context)
    {
        var header = context.Request.Headers[HeaderNames.IfMatch].ToString();
        if (header.Length == 0)
            return null;
        return ParseVersion(header)
            ?? throw FhirException.BadRequest($"If-Match '{header}' is not a version ETag such as W/\"1\"");
    }

    /// <summary>The value of <c>return=</c> in the Prefer header, or null.</summary>
    public static string? PreferredReturn(HttpContext context)
    {
        foreach (var header in context.Request.Headers[KnownHeaders.Prefer])
        {
            if (header is null)
                continue;
            foreach (var part in header.Split(',', ';'))
            {
                var kv = part.Trim();
                if (kv.StartsWith("return=", StringComparison.OrdinalIgnoreCase))
                    return kv["return=".Length..].Trim('"');
            }
        }
        return null;
    }

    public static string BaseUrl(HttpContext context)
    {
        var configured = context.RequestServices.GetRequiredService<IOptions<FhirServerOptions>>().Value.BaseUrl;
        if (!string.IsNullOrEmpty(configured))
            return configured.TrimEnd('/');
        var request = context.Request;
        return $"{request.Scheme}://{request.Host}{request.PathBase}/fhir";
    }
}
