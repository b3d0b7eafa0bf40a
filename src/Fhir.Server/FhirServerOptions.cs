using System.ComponentModel.DataAnnotations;

namespace Fhir.Server;

/// <summary>Bound from the <c>Fhir</c> section.</summary>
public sealed class FhirServerOptions
{
    public const string Section = "Fhir";

    /// <summary>The public base URL (e.g. https://praktijk.example/fhir); empty means taken from each request.</summary>
    [Url]
    public string? BaseUrl { get; set; }

    /// <summary>Largest request body accepted, in bytes; larger is a 413.</summary>
    [Range(1024, 1L << 30)]
    public long MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    [Range(1, 1000)]
    public int DefaultPageSize { get; set; } = 50;

    [Range(1, 5000)]
    public int MaxPageSize { get; set; } = 1000;
}
