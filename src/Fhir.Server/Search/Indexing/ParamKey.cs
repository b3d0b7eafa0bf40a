namespace Fhir.Server.Search.Indexing;

/// <summary>
/// The integer key of a search parameter on one resource type in the index tables: a 47-bit FNV-1a
/// hash of <c>Type.code</c>. Deterministic, so no lookup table has to be kept in step with
/// transactions that roll back; with a few thousand parameters a collision is practically impossible.
/// Derived keys (<c>code:text</c>, <c>code:identifier</c>, <c>code:of-type</c>) hold the values of modifiers.
/// </summary>
public static class ParamKey
{
    public const string TextSuffix = ":text";
    public const string IdentifierSuffix = ":identifier";
    public const string OfTypeSuffix = ":of-type";

    public static long For(string type, string code) => For(type, code, "");

    /// <summary>The key of <c>code + suffix</c> (a derived key such as <c>code:text</c>) without building that string.</summary>
    public static long For(string type, string code, string suffix)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in type)
            hash = (hash ^ c) * 1099511628211UL;
        hash = (hash ^ '.') * 1099511628211UL;
        foreach (var c in code)
            hash = (hash ^ c) * 1099511628211UL;
        foreach (var c in suffix)
            hash = (hash ^ c) * 1099511628211UL;
        return (long)(hash & 0x7FFF_FFFF_FFFFUL);
    }
}
