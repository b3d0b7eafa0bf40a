namespace Fhir.Server.Search.Extraction;

/// <summary>The search parameter types of https://hl7.org/fhir/R4/search.html#ptypes.</summary>
public enum SearchIndexKind { Number, Date, String, Token, Reference, Composite, Quantity, Uri, Special }

/// <summary>
/// One value a resource offers to one search parameter, ready to be written to an index table.
/// A resource yields zero or more entries per parameter; a search matches when any entry matches.
/// </summary>
public abstract record SearchIndexEntry(string ParamCode)
{
    public abstract SearchIndexKind Kind { get; }
}

/// <summary>https://hl7.org/fhir/R4/search.html#string: matched case- and accent-insensitively on
/// <see cref="Normalized"/>; <c>:exact</c> uses <see cref="Value"/>.</summary>
public sealed record StringIndexEntry(string ParamCode, string Value, string Normalized) : SearchIndexEntry(ParamCode)
{
    public override SearchIndexKind Kind => SearchIndexKind.String;
}

/// <summary>
/// https://hl7.org/fhir/R4/search.html#token: <c>system|code</c>, with the display or text for
/// <c>:text</c>. Identifiers carry their type coding (<see cref="TypeSystem"/>, <see cref="TypeCode"/>)
/// for <c>:of-type</c>; an identifier with several type codings yields one entry per coding.
/// </summary>
public sealed record TokenIndexEntry(string ParamCode, string? System, string? Code, string? Text) : SearchIndexEntry(ParamCode)
{
    public override SearchIndexKind Kind => SearchIndexKind.Token;

    /// <summary><see cref="Text"/> lower-cased without accents, for <c>:text</c>.</summary>
    public string? TextNormalized { get; init; } = Text is null ? null : SearchText.Normalize(Text);

    public string? TypeSystem { get; init; }

    public string? TypeCode { get; init; }
}

/// <summary>
/// https://hl7.org/fhir/R4/search.html#reference: a local reference (<see cref="ResourceType"/>/<see cref="Id"/>,
/// <see cref="Version"/> from <c>_history</c>), an absolute <see cref="Url"/> (also split into type and id
/// when it ends in <c>Type/id</c>), or a canonical (<see cref="Url"/> and <see cref="CanonicalVersion"/>).
/// <see cref="IdentifierSystem"/>/<see cref="IdentifierValue"/> serve <c>:identifier</c>.
/// </summary>
public sealed record ReferenceIndexEntry(string ParamCode) : SearchIndexEntry(ParamCode)
{
    public override SearchIndexKind Kind => SearchIndexKind.Reference;
    public string? ResourceType { get; init; }
    public string? Id { get; init; }
    public string? Version { get; init; }
    public string? Url { get; init; }
    public string? CanonicalVersion { get; init; }
    public string? IdentifierSystem { get; init; }
    public string? IdentifierValue { get; init; }

    /// <summary>
    /// For a reference to a contained resource (<c>#id</c>): the local id, "" for <c>#</c> (the container itself).
    /// https://hl7.org/fhir/R4/references.html#contained
    /// </summary>
    public string? Local { get; init; }
}

/// <summary>
/// https://hl7.org/fhir/R4/search.html#date: the range of instants the value covers, in UTC, both ends
/// inclusive (2026-03 → 2026-03-01T00:00:00Z … 2026-03-31T23:59:59.9999999Z). An open Period end is
/// <see cref="DateTimeOffset.MinValue"/> or <see cref="DateTimeOffset.MaxValue"/>.
/// Values without a zone can only be dates (a dateTime with a time SHALL have one,
/// https://hl7.org/fhir/R4/datatypes.html#dateTime); they are read as UTC days, and search input is read
/// the same way (<see cref="SearchValueExtractor.Bound"/>), so the spec's "assume the server's zone when
/// neither side has one" holds with UTC as the server's zone for dates.
/// </summary>
public sealed record DateIndexEntry(string ParamCode, DateTimeOffset Low, DateTimeOffset High) : SearchIndexEntry(ParamCode)
{
    public override SearchIndexKind Kind => SearchIndexKind.Date;
}

/// <summary>https://hl7.org/fhir/R4/search.html#number: the value and the range its precision implies
/// (100 → [99.5, 100.5]; 1.50 → [1.495, 1.505]).</summary>
public sealed record NumberIndexEntry(string ParamCode, decimal Value, decimal Low, decimal High) : SearchIndexEntry(ParamCode)
{
    public override SearchIndexKind Kind => SearchIndexKind.Number;
}

/// <summary>
/// https://hl7.org/fhir/R4/search.html#quantity: value with its precision range, and the unit as
/// system/code (UCUM) and human unit. A Range yields its low and high as the bounds (Value is null).
/// </summary>
public sealed record QuantityIndexEntry(string ParamCode, decimal? Value, decimal Low, decimal High, string? System, string? Code, string? Unit)
    : SearchIndexEntry(ParamCode)
{
    public override SearchIndexKind Kind => SearchIndexKind.Quantity;
}

/// <summary>https://hl7.org/fhir/R4/search.html#uri: the URI as written (matched exactly, or with :below/:above).</summary>
public sealed record UriIndexEntry(string ParamCode, string Uri) : SearchIndexEntry(ParamCode)
{
    public override SearchIndexKind Kind => SearchIndexKind.Uri;
}

/// <summary>https://hl7.org/fhir/R4/search.html#composite: one combination of component values, in the
/// order of the parameter's components, all taken from the same element (e.g. one Observation.component).</summary>
public sealed record CompositeIndexEntry(string ParamCode, IReadOnlyList<SearchIndexEntry> Components) : SearchIndexEntry(ParamCode)
{
    public override SearchIndexKind Kind => SearchIndexKind.Composite;

    public bool Equals(CompositeIndexEntry? other) =>
        other is not null && ParamCode == other.ParamCode && Components.SequenceEqual(other.Components);

    public override int GetHashCode() => HashCode.Combine(ParamCode, Components.Count);
}
