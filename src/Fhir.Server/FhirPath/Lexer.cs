using System.Globalization;
using System.Text;

namespace Fhir.Server.FhirPath;

internal enum TokenKind
{
    End,
    Identifier,          // name or `delimited name`
    String,              // 'text'
    Number,              // 12, 1.5 (raw text kept)
    DateTime,            // @2020-01-01T10:00 (text after @)
    Time,                // @T10:00 (text after @T)
    ExternalConstant,    // %name, %`name`, %'name'
    Variable,            // $this, $index, $total
    Symbol,              // operators and punctuation
}

internal readonly record struct Token(TokenKind Kind, string Text, int Position, bool Delimited = false);

/// <summary>Splits a FHIRPath expression into tokens (http://hl7.org/fhirpath/N1/#grammar, lexical rules).</summary>
internal static class Lexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (true)
        {
            i = SkipTrivia(text, i);
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", text.Length));
                return tokens;
            }
            int start = i;
            char c = text[i];
            if (char.IsAsciiLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new Token(TokenKind.Identifier, text[start..i], start));
            }
            else if (c == '`')
            {
                tokens.Add(new Token(TokenKind.Identifier, ReadQuoted(text, ref i, '`'), start, Delimited: true));
            }
            else if (c == '\'')
            {
                tokens.Add(new Token(TokenKind.String, ReadQuoted(text, ref i, '\''), start));
            }
            else if (char.IsAsciiDigit(c))
            {
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                }
                tokens.Add(new Token(TokenKind.Number, text[start..i], start));
            }
            else if (c == '@')
            {
                i++;
                bool time = i < text.Length && text[i] == 'T';
                if (time) i++;
                int valueStart = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] is '-' or ':' or '.' or 'T' or 'Z' or '+'))
                {
                    // '-' and '+' after the time part are a zone offset only when followed by hh:mm.
                    if ((text[i] is '-' or '+') && i > valueStart && text.AsSpan(valueStart, i - valueStart).Contains('T') && !LooksLikeOffset(text, i)) break;
                    if (text[i] == '.' && !(i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))) break;
                    i++;
                }
                var literal = text[valueStart..i];
                if (!PartialDateTime.TryParse(literal, time, out _))
                    throw new FhirPathException($"Invalid date/time literal '@{(time ? "T" : "")}{literal}'", start);
                tokens.Add(new Token(time ? TokenKind.Time : TokenKind.DateTime, literal, start));
            }
            else if (c == '%')
            {
                i++;
                if (i < text.Length && text[i] is '`' or '\'')
                {
                    tokens.Add(new Token(TokenKind.ExternalConstant, ReadQuoted(text, ref i, text[i]), start));
                }
                else
                {
                    int nameStart = i;
                    while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-')) i++;
                    if (i == nameStart) throw new FhirPathException("Expected a name after '%'", start);
                    tokens.Add(new Token(TokenKind.ExternalConstant, text[nameStart..i], start));
                }
            }
            else if (c == '$')
            {
                i++;
                int nameStart = i;
                while (i < text.Length && char.IsAsciiLetter(text[i])) i++;
                var name = text[nameStart..i];
                if (name is not ("this" or "index" or "total"))
                    throw new FhirPathException($"Unknown variable '${name}'", start);
                tokens.Add(new Token(TokenKind.Variable, name, start));
            }
            else
            {
                string? symbol = c switch
                {
                    '<' or '>' or '!' when i + 1 < text.Length && text[i + 1] == '=' => text.Substring(i, 2),
                    '!' when i + 1 < text.Length && text[i + 1] == '~' => "!~",
                    '.' or ',' or '(' or ')' or '[' or ']' or '{' or '}' or '+' or '-' or '*' or '/' or '&' or '|'
                        or '=' or '~' or '<' or '>' => c.ToString(),
                    _ => null,
                };
                if (symbol is null) throw new FhirPathException($"Unexpected character '{c}'", start);
                i += symbol.Length;
                tokens.Add(new Token(TokenKind.Symbol, symbol, start));
            }
        }
    }

    private static bool LooksLikeOffset(string text, int i) =>
        i + 6 <= text.Length &&
        char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2]) && text[i + 3] == ':' &&
        char.IsAsciiDigit(text[i + 4]) && char.IsAsciiDigit(text[i + 5]);

    private static int SkipTrivia(string text, int i)
    {
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c)) i++;
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n') i++;
            }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0) throw new FhirPathException("Unterminated comment", i);
                i = end + 2;
            }
            else break;
        }
        return i;
    }

    private static string ReadQuoted(string text, ref int i, char quote)
    {
        int start = i;
        i++;
        var sb = new StringBuilder();
        while (i < text.Length)
        {
            char c = text[i];
            if (c == quote)
            {
                i++;
                return sb.ToString();
            }
            if (c == '\\')
            {
                if (i + 1 >= text.Length) break;
                char e = text[i + 1];
                i += 2;
                switch (e)
                {
                    case 't': sb.Append('\t'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'u':
                        if (i + 4 > text.Length || !int.TryParse(text.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
                            throw new FhirPathException("Invalid unicode escape", i - 2);
                        sb.Append((char)code);
                        i += 4;
                        break;
                    default: sb.Append(e); break; // \' \" \` \\ \/ stand for themselves
                }
                continue;
            }
            sb.Append(c);
            i++;
        }
        throw new FhirPathException(quote == '`' ? "Unterminated delimited identifier" : "Unterminated string", start);
    }
}
