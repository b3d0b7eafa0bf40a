using System.Text;
using System.Text.RegularExpressions;

namespace Fhir.Server.Definitions;

/// <summary>
/// Compiles the regexes of the FHIR definitions. They follow XML Schema regex syntax, where
/// <c>\s</c> is only space, tab, CR and LF (https://www.w3.org/TR/xmlschema-2/#regexs); in .NET it
/// also matches Unicode spaces such as U+00A0, which would make the string regex reject ordinary
/// text. So <c>\s</c>/<c>\S</c> are rewritten to those four characters before compiling.
/// </summary>
internal static class SpecRegex
{
    private const string Space = @" \t\n\r";
    private const string NotSpaceInClass = @"\x00-\x08\x0B\x0C\x0E-\x1F\x21-\uFFFF";

    /// <summary>
    /// Anchored to the whole value. Compiled (several times faster here than NonBacktracking); the
    /// timeout bounds the one spec regex with ambiguous repetition (base64Binary's whitespace).
    /// </summary>
    public static Regex Compile(string pattern) =>
        new("^(?:" + Translate(pattern) + ")$", RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromMilliseconds(250));

    internal static string Translate(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                switch (next)
                {
                    case 's':
                        builder.Append(inClass ? Space : "[" + Space + "]");
                        break;
                    case 'S':
                        builder.Append(inClass ? NotSpaceInClass : "[^" + Space + "]");
                        break;
                    default:
                        builder.Append('\\').Append(next);
                        break;
                }
                continue;
            }
            if (c == '[') inClass = true;
            else if (c == ']') inClass = false;
            builder.Append(c);
        }
        return builder.ToString();
    }
}
