using System.Globalization;
using System.Text;

namespace Graph.Engine.Language;

public enum TokenKind
{
    StartOfFile, EndOfFile, Bang, Dollar, Amp, ParenL, ParenR, Spread, Colon, Equals, At,
    BracketL, BracketR, BraceL, Pipe, BraceR, Name, Int, Float, String, BlockString,
}

/// <summary>A syntax error with its 1-based line and column (spec 2.1 Source Text).</summary>
public sealed class GraphQLSyntaxException(string message, int line, int column, string code = "GRAPHQL_PARSE_FAILED")
    : Exception($"Syntax Error: {message}")
{
    public int Line { get; } = line;
    public int Column { get; } = column;
    public string Code { get; } = code;
}

/// <summary>
/// Lexical analysis, producing one token at a time.
/// https://spec.graphql.org/October2021/#sec-Lexical-Tokens
/// </summary>
public sealed class Lexer
{
    private readonly string _src;
    private readonly int _maxTokens;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    public Lexer(string source, int maxTokens = int.MaxValue)
    {
        _src = source;
        _maxTokens = maxTokens;
        if (_src.Length > 0 && _src[0] == '\uFEFF') _pos = 1;
    }

    public TokenKind Kind { get; private set; } = TokenKind.StartOfFile;
    public string Value { get; private set; } = "";
    public int Start { get; private set; }
    public int End { get; private set; }
    public int TokenLine { get; private set; } = 1;
    public int TokenColumn { get; private set; } = 1;
    public int TokenCount { get; private set; }
    public int PreviousEnd { get; private set; }

    public SourceLocation LocationOfCurrent => new(Start, End, TokenLine, TokenColumn);

    public GraphQLSyntaxException Error(string message, int position)
    {
        var (line, col) = LineColumn(_src, position);
        return new GraphQLSyntaxException(message, line, col);
    }

    public static (int Line, int Column) LineColumn(string src, int position)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < position && i < src.Length; i++)
        {
            var c = src[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= src.Length || src[i + 1] != '\n'))) { line++; lineStart = i + 1; }
            else if (c == '\r') { }
        }
        return (line, position - lineStart + 1);
    }

    public void Advance()
    {
        PreviousEnd = End;
        SkipIgnored();
        Start = _pos;
        TokenLine = _line;
        TokenColumn = _pos - _lineStart + 1;
        if (_pos >= _src.Length)
        {
            Kind = TokenKind.EndOfFile; End = _pos; Value = "";
            return;
        }
        if (++TokenCount > _maxTokens)
            throw new GraphQLSyntaxException($"Document contains more than {_maxTokens} tokens.", TokenLine, TokenColumn, "MAX_TOKENS_EXCEEDED");
        var c = _src[_pos];
        switch (c)
        {
            case '!': Punct(TokenKind.Bang); return;
            case '$': Punct(TokenKind.Dollar); return;
            case '&': Punct(TokenKind.Amp); return;
            case '(': Punct(TokenKind.ParenL); return;
            case ')': Punct(TokenKind.ParenR); return;
            case ':': Punct(TokenKind.Colon); return;
            case '=': Punct(TokenKind.Equals); return;
            case '@': Punct(TokenKind.At); return;
            case '[': Punct(TokenKind.BracketL); return;
            case ']': Punct(TokenKind.BracketR); return;
            case '{': Punct(TokenKind.BraceL); return;
            case '|': Punct(TokenKind.Pipe); return;
            case '}': Punct(TokenKind.BraceR); return;
            case '.':
                if (_pos + 2 < _src.Length && _src[_pos + 1] == '.' && _src[_pos + 2] == '.')
                {
                    _pos += 3; Kind = TokenKind.Spread; End = _pos; Value = "...";
                    return;
                }
                throw Error("Unexpected \".\".", _pos);
            case '"':
                if (_pos + 2 < _src.Length && _src[_pos + 1] == '"' && _src[_pos + 2] == '"') ReadBlockString();
                else ReadString();
                return;
        }
        if (IsNameStart(c)) { ReadName(); return; }
        if (c == '-' || (c >= '0' && c <= '9')) { ReadNumber(); return; }
        throw Error(c == '\'' ? "Unexpected single quote character ('), did you mean to use a double quote (\")?" : $"Unexpected character: {Describe(c)}.", _pos);
    }

    private static string Describe(char c) =>
        c < 0x20 || c >= 0x7F ? $"U+{(int)c:X4}" : $"\"{c}\"";

    private void Punct(TokenKind kind)
    {
        Kind = kind; _pos++; End = _pos; Value = "";
    }

    private void SkipIgnored()
    {
        while (_pos < _src.Length)
        {
            var c = _src[_pos];
            if (c == ' ' || c == '\t' || c == ',' || c == '\uFEFF') { _pos++; }
            else if (c == '\n') { _pos++; _line++; _lineStart = _pos; }
            else if (c == '\r')
            {
                _pos++;
                if (_pos < _src.Length && _src[_pos] == '\n') _pos++;
                _line++; _lineStart = _pos;
            }
            else if (c == '#')
            {
                while (_pos < _src.Length && _src[_pos] != '\n' && _src[_pos] != '\r') _pos++;
            }
            else break;
        }
    }

    private static bool IsNameStart(char c) => c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    private static bool IsNameContinue(char c) => IsNameStart(c) || (c >= '0' && c <= '9');

    private void ReadName()
    {
        var start = _pos;
        while (_pos < _src.Length && IsNameContinue(_src[_pos])) _pos++;
        Kind = TokenKind.Name; End = _pos; Value = _src.Substring(start, _pos - start);
    }

    private void ReadNumber()
    {
        var start = _pos;
        var isFloat = false;
        if (_src[_pos] == '-') _pos++;
        if (_pos < _src.Length && _src[_pos] == '0')
        {
            _pos++;
            if (_pos < _src.Length && char.IsAsciiDigit(_src[_pos]))
                throw Error($"Invalid number, unexpected digit after 0: {Describe(_src[_pos])}.", _pos);
        }
        else ReadDigits();
        if (_pos < _src.Length && _src[_pos] == '.')
        {
            isFloat = true; _pos++; ReadDigits();
        }
        if (_pos < _src.Length && (_src[_pos] == 'e' || _src[_pos] == 'E'))
        {
            isFloat = true; _pos++;
            if (_pos < _src.Length && (_src[_pos] == '+' || _src[_pos] == '-')) _pos++;
            ReadDigits();
        }
        if (_pos < _src.Length && (_src[_pos] == '.' || IsNameStart(_src[_pos])))
            throw Error($"Invalid number, expected digit but got: {Describe(_src[_pos])}.", _pos);
        Kind = isFloat ? TokenKind.Float : TokenKind.Int;
        End = _pos;
        Value = _src.Substring(start, _pos - start);
    }

    private void ReadDigits()
    {
        if (_pos >= _src.Length || !char.IsAsciiDigit(_src[_pos]))
            throw Error(_pos >= _src.Length ? "Invalid number, expected digit but got: <EOF>." : $"Invalid number, expected digit but got: {Describe(_src[_pos])}.", _pos);
        while (_pos < _src.Length && char.IsAsciiDigit(_src[_pos])) _pos++;
    }

    private void ReadString()
    {
        var start = _pos;
        _pos++;
        StringBuilder? sb = null;
        var chunkStart = _pos;
        while (_pos < _src.Length)
        {
            var c = _src[_pos];
            if (c == '"')
            {
                string value;
                if (sb is null) value = _src.Substring(chunkStart, _pos - chunkStart);
                else { sb.Append(_src, chunkStart, _pos - chunkStart); value = sb.ToString(); }
                _pos++;
                Kind = TokenKind.String; End = _pos; Value = value; Start = start;
                return;
            }
            if (c == '\n' || c == '\r') break;
            if (c == '\\')
            {
                sb ??= new StringBuilder();
                sb.Append(_src, chunkStart, _pos - chunkStart);
                _pos++;
                if (_pos >= _src.Length) break;
                var e = _src[_pos];
                switch (e)
                {
                    case '"': sb.Append('"'); _pos++; break;
                    case '\\': sb.Append('\\'); _pos++; break;
                    case '/': sb.Append('/'); _pos++; break;
                    case 'b': sb.Append('\b'); _pos++; break;
                    case 'f': sb.Append('\f'); _pos++; break;
                    case 'n': sb.Append('\n'); _pos++; break;
                    case 'r': sb.Append('\r'); _pos++; break;
                    case 't': sb.Append('\t'); _pos++; break;
                    case 'u': _pos++; ReadUnicodeEscape(sb); break;
                    default: throw Error($"Invalid character escape sequence: \"\\{e}\".", _pos - 1);
                }
                chunkStart = _pos;
                continue;
            }
            if (c < 0x20 && c != '\t') throw Error($"Invalid character within String: {Describe(c)}.", _pos);
            if (char.IsHighSurrogate(c))
            {
                if (_pos + 1 >= _src.Length || !char.IsLowSurrogate(_src[_pos + 1])) throw Error($"Invalid character within String: {Describe(c)}.", _pos);
                _pos += 2;
                continue;
            }
            if (char.IsLowSurrogate(c)) throw Error($"Invalid character within String: {Describe(c)}.", _pos);
            _pos++;
        }
        throw Error("Unterminated string.", _pos);
    }

    private void ReadUnicodeEscape(StringBuilder sb)
    {
        var escStart = _pos - 2;
        if (_pos < _src.Length && _src[_pos] == '{')
        {
            var close = _src.IndexOf('}', _pos);
            if (close < 0 || close - _pos - 1 is < 1 or > 6 ||
                !int.TryParse(_src.AsSpan(_pos + 1, close - _pos - 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var cp) ||
                cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                throw Error("Invalid Unicode escape sequence.", escStart);
            sb.Append(char.ConvertFromUtf32(cp));
            _pos = close + 1;
            return;
        }
        var code = ReadHex4(escStart);
        if (char.IsHighSurrogate((char)code))
        {
            if (_pos + 1 < _src.Length && _src[_pos] == '\\' && _src[_pos + 1] == 'u')
            {
                _pos += 2;
                var low = ReadHex4(escStart);
                if (!char.IsLowSurrogate((char)low)) throw Error("Invalid Unicode escape sequence.", escStart);
                sb.Append((char)code).Append((char)low);
                return;
            }
            throw Error("Invalid Unicode escape sequence.", escStart);
        }
        if (char.IsLowSurrogate((char)code)) throw Error("Invalid Unicode escape sequence.", escStart);
        sb.Append((char)code);
    }

    private int ReadHex4(int escStart)
    {
        if (_pos + 4 > _src.Length || !int.TryParse(_src.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
            throw Error("Invalid Unicode escape sequence.", escStart);
        _pos += 4;
        return v;
    }

    private void ReadBlockString()
    {
        var start = _pos;
        _pos += 3;
        var sb = new StringBuilder();
        var chunkStart = _pos;
        while (_pos < _src.Length)
        {
            var c = _src[_pos];
            if (c == '"' && _pos + 2 < _src.Length && _src[_pos + 1] == '"' && _src[_pos + 2] == '"')
            {
                sb.Append(_src, chunkStart, _pos - chunkStart);
                _pos += 3;
                Kind = TokenKind.BlockString; End = _pos; Start = start;
                Value = BlockStringValue(sb.ToString());
                return;
            }
            if (c == '\\' && _pos + 3 < _src.Length && _src[_pos + 1] == '"' && _src[_pos + 2] == '"' && _src[_pos + 3] == '"')
            {
                sb.Append(_src, chunkStart, _pos - chunkStart).Append("\"\"\"");
                _pos += 4; chunkStart = _pos;
                continue;
            }
            if (c == '\n') { _pos++; _line++; _lineStart = _pos; continue; }
            if (c == '\r')
            {
                _pos++;
                if (_pos < _src.Length && _src[_pos] == '\n') _pos++;
                _line++; _lineStart = _pos;
                continue;
            }
            if (c < 0x20 && c != '\t') throw Error($"Invalid character within String: {Describe(c)}.", _pos);
            _pos++;
        }
        throw Error("Unterminated string.", _pos);
    }

    /// <summary>https://spec.graphql.org/October2021/#BlockStringValue()</summary>
    public static string BlockStringValue(string raw)
    {
        var lines = raw.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        int? common = null;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var indent = LeadingWhitespace(line);
            if (indent < line.Length && (common is null || indent < common)) common = indent;
        }
        if (common is int ci && ci > 0)
            for (var i = 1; i < lines.Length; i++)
                lines[i] = lines[i].Length >= ci ? lines[i][ci..] : "";
        int first = 0, last = lines.Length - 1;
        while (first <= last && LeadingWhitespace(lines[first]) == lines[first].Length) first++;
        while (last >= first && LeadingWhitespace(lines[last]) == lines[last].Length) last--;
        return first > last ? "" : string.Join('\n', lines, first, last - first + 1);
    }

    private static int LeadingWhitespace(string s)
    {
        var i = 0;
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t')) i++;
        return i;
    }
}
