using System.Globalization;
using System.Text;

namespace Fhir.Server.Search.Extraction;

/// <summary>
/// The normal form for string search (https://hl7.org/fhir/R4/search.html#string: "case- and
/// accent-insensitive"): decomposed (FormD), combining marks removed, lower-cased invariantly.
/// The store normalizes search input with the same function.
/// </summary>
public static class SearchText
{
    public static string Normalize(string value)
    {
        if (IsPlainLowerAscii(value)) return value;
        var decomposed = value.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    private static bool IsPlainLowerAscii(string value)
    {
        foreach (var c in value)
        {
            if (c > 127 || char.IsAsciiLetterUpper(c)) return false;
        }
        return true;
    }
}
