using System.Globalization;

namespace Fhir.Server.FhirPath;

/// <summary>
/// Recursive-descent parser for FHIRPath N1 (http://hl7.org/fhirpath/N1/#grammar) with the operator
/// precedence of http://hl7.org/fhirpath/N1/#operator-precedence.
/// </summary>
internal sealed class Parser
{
    private static readonly HashSet<string> CalendarUnits =
    [
        "year", "years", "month", "months", "week", "weeks", "day", "days",
        "hour", "hours", "minute", "minutes", "second", "seconds", "millisecond", "milliseconds",
    ];

    // Deeper nesting than this is no real expression; refusing it keeps recursion off the stack limit.
    private const int MaxDepth = 200;

    private readonly List<Token> _tokens;
    private int _pos;
    private int _depth;

    private Parser(string text) => _tokens = Lexer.Tokenize(text);

    public static AstNode Parse(string text)
    {
        var parser = new Parser(text);
        var node = parser.ParseExpression(0);
        var next = parser.Current;
        if (next.Kind != TokenKind.End)
            throw new FhirPathException($"Unexpected '{Describe(next)}'", next.Position);
        return node;
    }

    private Token Current => _tokens[_pos];

    private Token Advance() => _tokens[_pos++];

    private bool IsSymbol(string symbol) => Current.Kind == TokenKind.Symbol && Current.Text == symbol;

    private bool IsKeyword(string word) => Current.Kind == TokenKind.Identifier && !Current.Delimited && Current.Text == word;

    private void Expect(string symbol)
    {
        if (!IsSymbol(symbol))
            throw new FhirPathException($"Expected '{symbol}' but found '{Describe(Current)}'", Current.Position);
        _pos++;
    }

    private static string Describe(Token t) => t.Kind == TokenKind.End ? "end of expression" : t.Text;

    // Binding power of each binary operator; higher binds tighter.
    private int BinaryPrecedence(out string op)
    {
        var t = Current;
        op = t.Text;
        if (t.Kind == TokenKind.Symbol)
        {
            return t.Text switch
            {
                "*" or "/" => 10,
                "+" or "-" or "&" => 9,
                "|" => 7,
                "<" or ">" or "<=" or ">=" => 6,
                "=" or "~" or "!=" or "!~" => 5,
                _ => -1,
            };
        }
        if (t.Kind == TokenKind.Identifier && !t.Delimited)
        {
            return t.Text switch
            {
                "div" or "mod" => 10,
                "is" or "as" => 8,
                "in" or "contains" => 4,
                "and" => 3,
                "or" or "xor" => 2,
                "implies" => 1,
                _ => -1,
            };
        }
        return -1;
    }

    private AstNode ParseExpression(int minPrecedence)
    {
        if (++_depth > MaxDepth) throw new FhirPathException($"Expression nested deeper than {MaxDepth} levels", Current.Position);
        try
        {
            return ParseBinary(minPrecedence);
        }
        finally
        {
            _depth--;
        }
    }

    private AstNode ParseBinary(int minPrecedence)
    {
        var left = ParseUnary();
        while (true)
        {
            int precedence = BinaryPrecedence(out var op);
            if (precedence < 0 || precedence < minPrecedence) return left;
            var opToken = Advance();
            if (op is "is" or "as")
            {
                left = new TypeOperatorNode(op, left, ParseTypeSpecifier(), opToken.Position);
                continue;
            }
            var right = ParseExpression(precedence + 1);
            left = new BinaryNode(op, left, right, opToken.Position);
        }
    }

    private AstNode ParseUnary()
    {
        if (IsSymbol("+") || IsSymbol("-"))
        {
            var op = Advance();
            if (++_depth > MaxDepth) throw new FhirPathException($"Expression nested deeper than {MaxDepth} levels", op.Position);
            var operand = ParseUnary();
            _depth--;
            return new UnaryNode(op.Text, operand, op.Position);
        }
        return ParsePostfix(ParseTerm());
    }

    private AstNode ParsePostfix(AstNode node)
    {
        while (true)
        {
            if (IsSymbol("."))
            {
                _pos++;
                var name = Current;
                if (name.Kind == TokenKind.Variable)
                {
                    // `x.$this` is legal grammar; it is the same as x for each item.
                    Advance();
                    node = new CallNode(node, "select", [new VariableNode(name.Text, name.Position)], name.Position);
                    continue;
                }
                if (name.Kind != TokenKind.Identifier)
                    throw new FhirPathException($"Expected a name after '.' but found '{Describe(name)}'", name.Position);
                Advance();
                if (IsSymbol("("))
                    node = new CallNode(node, name.Text, ParseArguments(), name.Position);
                else
                    node = new MemberNode(node, name.Text, name.Position);
            }
            else if (IsSymbol("["))
            {
                var open = Advance();
                var index = ParseExpression(0);
                Expect("]");
                node = new IndexerNode(node, index, open.Position);
            }
            else
            {
                return node;
            }
        }
    }

    private List<AstNode> ParseArguments()
    {
        Expect("(");
        var args = new List<AstNode>();
        if (IsSymbol(")"))
        {
            _pos++;
            return args;
        }
        while (true)
        {
            args.Add(ParseExpression(0));
            if (IsSymbol(","))
            {
                _pos++;
                continue;
            }
            Expect(")");
            return args;
        }
    }

    private AstNode ParseTerm()
    {
        var t = Current;
        switch (t.Kind)
        {
            case TokenKind.End:
                throw new FhirPathException("Unexpected end of expression", t.Position);
            case TokenKind.String:
                Advance();
                return new LiteralNode(new FhirPathString(t.Text), t.Position);
            case TokenKind.Number:
                Advance();
                return ParseNumberOrQuantity(t);
            case TokenKind.DateTime:
            case TokenKind.Time:
                Advance();
                PartialDateTime.TryParse(t.Text, t.Kind == TokenKind.Time, out var dt);
                return new LiteralNode(new FhirPathTemporal(dt), t.Position);
            case TokenKind.ExternalConstant:
                Advance();
                return new ExternalConstantNode(t.Text, t.Position);
            case TokenKind.Variable:
                Advance();
                return new VariableNode(t.Text, t.Position);
            case TokenKind.Identifier:
                Advance();
                if (!t.Delimited && t.Text is "true" or "false" && !IsSymbol("("))
                    return new LiteralNode(FhirPathBoolean.Of(t.Text == "true"), t.Position);
                if (IsSymbol("("))
                    return new CallNode(null, t.Text, ParseArguments(), t.Position);
                return new IdentifierNode(t.Text, t.Position);
            case TokenKind.Symbol when t.Text == "(":
            {
                Advance();
                var inner = ParseExpression(0);
                Expect(")");
                return inner;
            }
            case TokenKind.Symbol when t.Text == "{":
                Advance();
                Expect("}");
                return new LiteralNode(null, t.Position);
            default:
                throw new FhirPathException($"Unexpected '{Describe(t)}'", t.Position);
        }
    }

    private AstNode ParseNumberOrQuantity(Token number)
    {
        bool isDecimal = number.Text.Contains('.');
        var unitToken = Current;
        bool isUnit = unitToken.Kind == TokenKind.String ||
            (unitToken.Kind == TokenKind.Identifier && !unitToken.Delimited && CalendarUnits.Contains(unitToken.Text));
        if (isUnit)
        {
            Advance();
            var value = decimal.Parse(number.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            return new LiteralNode(new FhirPathQuantity(value, unitToken.Text), number.Position);
        }
        if (!isDecimal && long.TryParse(number.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer))
            return new LiteralNode(new FhirPathInteger(integer), number.Position);
        if (!decimal.TryParse(number.Text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var dec))
            throw new FhirPathException($"Number out of range: {number.Text}", number.Position);
        return new LiteralNode(new FhirPathDecimal(dec), number.Position);
    }

    private TypeSpecifier ParseTypeSpecifier()
    {
        var first = Current;
        if (first.Kind != TokenKind.Identifier)
            throw new FhirPathException($"Expected a type name but found '{Describe(first)}'", first.Position);
        Advance();
        if (first.Text is "FHIR" or "System" && IsSymbol(".") && _tokens[_pos + 1].Kind == TokenKind.Identifier)
        {
            _pos++;
            var second = Advance();
            return new TypeSpecifier(first.Text, second.Text);
        }
        return new TypeSpecifier(null, first.Text);
    }
}
