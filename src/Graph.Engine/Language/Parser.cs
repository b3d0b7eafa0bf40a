namespace Graph.Engine.Language;

/// <summary>
/// Recursive-descent parser for the full GraphQL grammar: executable documents and the type-system language.
/// https://spec.graphql.org/October2021/#sec-Document-Syntax (Appendix B)
/// </summary>
public sealed class Parser
{
    private readonly Lexer _lexer;
    private readonly string _source;

    private Parser(string source, int maxTokens)
    {
        _source = source;
        _lexer = new Lexer(source, maxTokens);
        _lexer.Advance();
    }

    public static DocumentNode Parse(string source, int maxTokens = int.MaxValue)
    {
        var p = new Parser(source, maxTokens);
        return p.ParseDocument();
    }

    public static ValueNode ParseValue(string source)
    {
        var p = new Parser(source, int.MaxValue);
        var v = p.ParseValueLiteral(false);
        p.Expect(TokenKind.EndOfFile);
        return v;
    }

    public static TypeNode ParseType(string source)
    {
        var p = new Parser(source, int.MaxValue);
        var t = p.ParseTypeReference();
        p.Expect(TokenKind.EndOfFile);
        return t;
    }

    private TokenKind Kind => _lexer.Kind;

    private SourceLocation Loc(int start, int line, int col) => new(start, _lexer.PreviousEnd, line, col);

    private GraphQLSyntaxException Unexpected()
    {
        var desc = Kind switch
        {
            TokenKind.EndOfFile => "<EOF>",
            TokenKind.Name => $"Name \"{_lexer.Value}\"",
            TokenKind.Int => $"Int \"{_lexer.Value}\"",
            TokenKind.Float => $"Float \"{_lexer.Value}\"",
            TokenKind.String or TokenKind.BlockString => "String",
            _ => $"\"{Punctuator(Kind)}\"",
        };
        return _lexer.Error($"Unexpected {desc}.", _lexer.Start);
    }

    private static string Punctuator(TokenKind k) => k switch
    {
        TokenKind.Bang => "!", TokenKind.Dollar => "$", TokenKind.Amp => "&", TokenKind.ParenL => "(",
        TokenKind.ParenR => ")", TokenKind.Spread => "...", TokenKind.Colon => ":", TokenKind.Equals => "=",
        TokenKind.At => "@", TokenKind.BracketL => "[", TokenKind.BracketR => "]", TokenKind.BraceL => "{",
        TokenKind.Pipe => "|", TokenKind.BraceR => "}", _ => k.ToString(),
    };

    private void Expect(TokenKind kind)
    {
        if (Kind != kind)
            throw _lexer.Error($"Expected {(kind == TokenKind.EndOfFile ? "<EOF>" : kind == TokenKind.Name ? "Name" : "\"" + Punctuator(kind) + "\"")}, found {DescribeCurrent()}.", _lexer.Start);
        _lexer.Advance();
    }

    private string DescribeCurrent() => Kind switch
    {
        TokenKind.EndOfFile => "<EOF>",
        TokenKind.Name => $"Name \"{_lexer.Value}\"",
        TokenKind.Int => $"Int \"{_lexer.Value}\"",
        TokenKind.Float => $"Float \"{_lexer.Value}\"",
        TokenKind.String or TokenKind.BlockString => "String",
        _ => $"\"{Punctuator(Kind)}\"",
    };

    private bool Skip(TokenKind kind)
    {
        if (Kind != kind) return false;
        _lexer.Advance();
        return true;
    }

    private bool PeekKeyword(string kw) => Kind == TokenKind.Name && _lexer.Value == kw;

    private void ExpectKeyword(string kw)
    {
        if (!PeekKeyword(kw)) throw _lexer.Error($"Expected \"{kw}\", found {DescribeCurrent()}.", _lexer.Start);
        _lexer.Advance();
    }

    private string ParseName()
    {
        if (Kind != TokenKind.Name) throw _lexer.Error($"Expected Name, found {DescribeCurrent()}.", _lexer.Start);
        var v = _lexer.Value;
        _lexer.Advance();
        return v;
    }

    private DocumentNode ParseDocument()
    {
        var defs = new List<DefinitionNode>();
        do defs.Add(ParseDefinition());
        while (Kind != TokenKind.EndOfFile);
        return new DocumentNode(defs) { Location = new SourceLocation(0, _source.Length, 1, 1), TokenCount = _lexer.TokenCount };
    }

    private DefinitionNode ParseDefinition()
    {
        if (Kind == TokenKind.BraceL) return ParseOperationDefinition();
        var hasDescription = Kind is TokenKind.String or TokenKind.BlockString;
        if (Kind == TokenKind.Name || hasDescription)
        {
            if (hasDescription) return ParseTypeSystemDefinition();
            switch (_lexer.Value)
            {
                case "query": case "mutation": case "subscription": return ParseOperationDefinition();
                case "fragment": return ParseFragmentDefinition();
                case "schema": case "scalar": case "type": case "interface": case "union": case "enum": case "input": case "directive":
                    return ParseTypeSystemDefinition();
                case "extend": return ParseTypeSystemExtension();
            }
        }
        throw Unexpected();
    }

    private OperationDefinitionNode ParseOperationDefinition()
    {
        int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
        if (Kind == TokenKind.BraceL)
        {
            var ss = ParseSelectionSet();
            return new OperationDefinitionNode(OperationType.Query, null, [], [], ss) { Location = Loc(start, line, col) };
        }
        var op = ParseOperationType();
        string? name = Kind == TokenKind.Name ? ParseName() : null;
        var vars = ParseVariableDefinitions();
        var dirs = ParseDirectives(false);
        var set = ParseSelectionSet();
        return new OperationDefinitionNode(op, name, vars, dirs, set) { Location = Loc(start, line, col) };
    }

    private OperationType ParseOperationType()
    {
        var v = _lexer.Value;
        if (Kind == TokenKind.Name)
        {
            switch (v)
            {
                case "query": _lexer.Advance(); return OperationType.Query;
                case "mutation": _lexer.Advance(); return OperationType.Mutation;
                case "subscription": _lexer.Advance(); return OperationType.Subscription;
            }
        }
        throw Unexpected();
    }

    private IReadOnlyList<VariableDefinitionNode> ParseVariableDefinitions()
    {
        if (Kind != TokenKind.ParenL) return [];
        _lexer.Advance();
        var list = new List<VariableDefinitionNode>();
        do
        {
            int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
            var variable = ParseVariable();
            Expect(TokenKind.Colon);
            var type = ParseTypeReference();
            ValueNode? def = Skip(TokenKind.Equals) ? ParseValueLiteral(true) : null;
            var dirs = ParseDirectives(true);
            list.Add(new VariableDefinitionNode(variable, type, def, dirs) { Location = Loc(start, line, col) });
        } while (!Skip(TokenKind.ParenR));
        return list;
    }

    private VariableNode ParseVariable()
    {
        int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
        Expect(TokenKind.Dollar);
        var name = ParseName();
        return new VariableNode(name) { Location = Loc(start, line, col) };
    }

    private SelectionSetNode ParseSelectionSet()
    {
        int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
        Expect(TokenKind.BraceL);
        var list = new List<SelectionNode>();
        do list.Add(ParseSelection());
        while (!Skip(TokenKind.BraceR));
        return new SelectionSetNode(list) { Location = Loc(start, line, col) };
    }

    private SelectionNode ParseSelection()
    {
        if (Kind == TokenKind.Spread) return ParseFragment();
        int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
        var nameOrAlias = ParseName();
        string? alias = null;
        string name;
        if (Skip(TokenKind.Colon)) { alias = nameOrAlias; name = ParseName(); }
        else name = nameOrAlias;
        var args = ParseArguments(false);
        var dirs = ParseDirectives(false);
        var set = Kind == TokenKind.BraceL ? ParseSelectionSet() : null;
        return new FieldNode(alias, name, args, dirs, set) { Location = Loc(start, line, col) };
    }

    private IReadOnlyList<ArgumentNode> ParseArguments(bool isConst)
    {
        if (Kind != TokenKind.ParenL) return [];
        _lexer.Advance();
        var list = new List<ArgumentNode>();
        do
        {
            int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
            var name = ParseName();
            Expect(TokenKind.Colon);
            var value = ParseValueLiteral(isConst);
            list.Add(new ArgumentNode(name, value) { Location = Loc(start, line, col) });
        } while (!Skip(TokenKind.ParenR));
        return list;
    }

    private SelectionNode ParseFragment()
    {
        int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
        Expect(TokenKind.Spread);
        var hasTypeCondition = PeekKeyword("on");
        if (!hasTypeCondition && Kind == TokenKind.Name)
        {
            var name = ParseName();
            var d = ParseDirectives(false);
            return new FragmentSpreadNode(name, d) { Location = Loc(start, line, col) };
        }
        NamedTypeNode? tc = null;
        if (hasTypeCondition) { _lexer.Advance(); tc = ParseNamedType(); }
        var dirs = ParseDirectives(false);
        var set = ParseSelectionSet();
        return new InlineFragmentNode(tc, dirs, set) { Location = Loc(start, line, col) };
    }

    private FragmentDefinitionNode ParseFragmentDefinition()
    {
        int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
        ExpectKeyword("fragment");
        if (PeekKeyword("on")) throw Unexpected();
        var name = ParseName();
        ExpectKeyword("on");
        var tc = ParseNamedType();
        var dirs = ParseDirectives(false);
        var set = ParseSelectionSet();
        return new FragmentDefinitionNode(name, tc, dirs, set) { Location = Loc(start, line, col) };
    }

    private ValueNode ParseValueLiteral(bool isConst)
    {
        int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
        ValueNode node;
        switch (Kind)
        {
            case TokenKind.BracketL:
                {
                    _lexer.Advance();
                    var items = new List<ValueNode>();
                    while (!Skip(TokenKind.BracketR)) items.Add(ParseValueLiteral(isConst));
                    node = new ListValueNode(items);
                    break;
                }
            case TokenKind.BraceL:
                {
                    _lexer.Advance();
                    var fields = new List<ObjectFieldNode>();
                    while (!Skip(TokenKind.BraceR))
                    {
                        int fs = _lexer.Start, fl = _lexer.TokenLine, fc = _lexer.TokenColumn;
                        var name = ParseName();
                        Expect(TokenKind.Colon);
                        var v = ParseValueLiteral(isConst);
                        fields.Add(new ObjectFieldNode(name, v) { Location = Loc(fs, fl, fc) });
                    }
                    node = new ObjectValueNode(fields);
                    break;
                }
            case TokenKind.Int: node = new IntValueNode(_lexer.Value); _lexer.Advance(); break;
            case TokenKind.Float: node = new FloatValueNode(_lexer.Value); _lexer.Advance(); break;
            case TokenKind.String: node = new StringValueNode(_lexer.Value); _lexer.Advance(); break;
            case TokenKind.BlockString: node = new StringValueNode(_lexer.Value, true); _lexer.Advance(); break;
            case TokenKind.Name:
                {
                    var v = _lexer.Value;
                    _lexer.Advance();
                    node = v switch
                    {
                        "true" => new BooleanValueNode(true),
                        "false" => new BooleanValueNode(false),
                        "null" => new NullValueNode(),
                        _ => new EnumValueNode(v),
                    };
                    break;
                }
            case TokenKind.Dollar:
                if (isConst)
                {
                    _lexer.Advance();
                    if (Kind == TokenKind.Name) throw _lexer.Error($"Unexpected variable \"${_lexer.Value}\" in constant value.", start);
                    throw Unexpected();
                }
                return ParseVariable();
            default: throw Unexpected();
        }
        return Relocate(node, Loc(start, line, col));
    }

    private static ValueNode Relocate(ValueNode node, SourceLocation loc) => node switch
    {
        ListValueNode l => new ListValueNode(l.Values) { Location = loc },
        ObjectValueNode o => new ObjectValueNode(o.Fields) { Location = loc },
        IntValueNode i => new IntValueNode(i.Value) { Location = loc },
        FloatValueNode f => new FloatValueNode(f.Value) { Location = loc },
        StringValueNode s => new StringValueNode(s.Value, s.Block) { Location = loc },
        BooleanValueNode b => new BooleanValueNode(b.Value) { Location = loc },
        NullValueNode => new NullValueNode { Location = loc },
        EnumValueNode e => new EnumValueNode(e.Value) { Location = loc },
        _ => node,
    };

    private IReadOnlyList<DirectiveNode> ParseDirectives(bool isConst)
    {
        if (Kind != TokenKind.At) return [];
        var list = new List<DirectiveNode>();
        while (Kind == TokenKind.At)
        {
            int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
            _lexer.Advance();
            var name = ParseName();
            var args = ParseArguments(isConst);
            list.Add(new DirectiveNode(name, args) { Location = Loc(start, line, col) });
        }
        return list;
    }

    private TypeNode ParseTypeReference()
    {
        int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
        TypeNode type;
        if (Skip(TokenKind.BracketL))
        {
            var inner = ParseTypeReference();
            Expect(TokenKind.BracketR);
            type = new ListTypeNode(inner) { Location = Loc(start, line, col) };
        }
        else type = ParseNamedType();
        if (Skip(TokenKind.Bang)) return new NonNullTypeNode(type) { Location = Loc(start, line, col) };
        return type;
    }

    private NamedTypeNode ParseNamedType()
    {
        int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
        var name = ParseName();
        return new NamedTypeNode(name) { Location = Loc(start, line, col) };
    }

    // ---- type system ----

    private string? ParseDescription()
    {
        if (Kind is TokenKind.String or TokenKind.BlockString)
        {
            var v = _lexer.Value;
            _lexer.Advance();
            return v;
        }
        return null;
    }

    private TypeSystemNode ParseTypeSystemDefinition()
    {
        int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
        var description = ParseDescription();
        if (Kind != TokenKind.Name) throw Unexpected();
        TypeSystemNode node = _lexer.Value switch
        {
            "schema" => ParseSchemaBody(false),
            "scalar" => ParseScalar(false),
            "type" => ParseObject(false),
            "interface" => ParseInterface(false),
            "union" => ParseUnion(false),
            "enum" => ParseEnum(false),
            "input" => ParseInput(false),
            "directive" => ParseDirectiveDefinition(),
            _ => throw Unexpected(),
        };
        return WithMeta(node, description, false, Loc(start, line, col));
    }

    private TypeSystemNode ParseTypeSystemExtension()
    {
        int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
        ExpectKeyword("extend");
        if (Kind != TokenKind.Name) throw Unexpected();
        TypeSystemNode node = _lexer.Value switch
        {
            "schema" => ParseSchemaBody(true),
            "scalar" => ParseScalar(true),
            "type" => ParseObject(true),
            "interface" => ParseInterface(true),
            "union" => ParseUnion(true),
            "enum" => ParseEnum(true),
            "input" => ParseInput(true),
            _ => throw Unexpected(),
        };
        return WithMeta(node, null, true, Loc(start, line, col));
    }

    private static TypeSystemNode WithMeta(TypeSystemNode n, string? description, bool ext, SourceLocation loc)
    {
        var dirs = n.Directives;
        return n switch
        {
            SchemaDefinitionNode s => new SchemaDefinitionNode(s.OperationTypes) { Description = description, IsExtension = ext, Directives = dirs, Location = loc },
            ScalarTypeDefinitionNode s => new ScalarTypeDefinitionNode(s.Name) { Description = description, IsExtension = ext, Directives = dirs, Location = loc },
            ObjectTypeDefinitionNode o => new ObjectTypeDefinitionNode(o.Name, o.Interfaces, o.Fields) { Description = description, IsExtension = ext, Directives = dirs, Location = loc },
            InterfaceTypeDefinitionNode i => new InterfaceTypeDefinitionNode(i.Name, i.Interfaces, i.Fields) { Description = description, IsExtension = ext, Directives = dirs, Location = loc },
            UnionTypeDefinitionNode u => new UnionTypeDefinitionNode(u.Name, u.Types) { Description = description, IsExtension = ext, Directives = dirs, Location = loc },
            EnumTypeDefinitionNode e => new EnumTypeDefinitionNode(e.Name, e.Values) { Description = description, IsExtension = ext, Directives = dirs, Location = loc },
            InputObjectTypeDefinitionNode io => new InputObjectTypeDefinitionNode(io.Name, io.Fields) { Description = description, IsExtension = ext, Directives = dirs, Location = loc },
            DirectiveDefinitionNode d => new DirectiveDefinitionNode(d.Name, d.Arguments, d.Repeatable, d.Locations) { Description = description, Location = loc },
            _ => n,
        };
    }

    private SchemaDefinitionNode ParseSchemaBody(bool ext)
    {
        _lexer.Advance();
        var dirs = ParseDirectives(true);
        var ops = new List<OperationTypeDefinitionNode>();
        if (!ext || Kind == TokenKind.BraceL)
        {
            Expect(TokenKind.BraceL);
            do
            {
                int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
                var op = ParseOperationType();
                Expect(TokenKind.Colon);
                var t = ParseNamedType();
                ops.Add(new OperationTypeDefinitionNode(op, t) { Location = Loc(start, line, col) });
            } while (!Skip(TokenKind.BraceR));
        }
        if (ext && dirs.Count == 0 && ops.Count == 0) throw Unexpected();
        return new SchemaDefinitionNode(ops) { Directives = dirs };
    }

    private ScalarTypeDefinitionNode ParseScalar(bool ext)
    {
        _lexer.Advance();
        var name = ParseName();
        var dirs = ParseDirectives(true);
        if (ext && dirs.Count == 0) throw Unexpected();
        return new ScalarTypeDefinitionNode(name) { Directives = dirs };
    }

    private IReadOnlyList<NamedTypeNode> ParseImplements()
    {
        if (!PeekKeyword("implements")) return [];
        _lexer.Advance();
        Skip(TokenKind.Amp);
        var list = new List<NamedTypeNode>();
        do list.Add(ParseNamedType());
        while (Skip(TokenKind.Amp));
        return list;
    }

    private IReadOnlyList<FieldDefinitionNode> ParseFieldsDefinition()
    {
        if (Kind != TokenKind.BraceL) return [];
        _lexer.Advance();
        var list = new List<FieldDefinitionNode>();
        do
        {
            int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
            var desc = ParseDescription();
            var name = ParseName();
            var args = ParseArgumentDefs();
            Expect(TokenKind.Colon);
            var type = ParseTypeReference();
            var dirs = ParseDirectives(true);
            list.Add(new FieldDefinitionNode(name, args, type) { Description = desc, Directives = dirs, Location = Loc(start, line, col) });
        } while (!Skip(TokenKind.BraceR));
        return list;
    }

    private IReadOnlyList<InputValueDefinitionNode> ParseArgumentDefs()
    {
        if (Kind != TokenKind.ParenL) return [];
        _lexer.Advance();
        var list = new List<InputValueDefinitionNode>();
        do list.Add(ParseInputValueDef());
        while (!Skip(TokenKind.ParenR));
        return list;
    }

    private InputValueDefinitionNode ParseInputValueDef()
    {
        int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
        var desc = ParseDescription();
        var name = ParseName();
        Expect(TokenKind.Colon);
        var type = ParseTypeReference();
        ValueNode? def = Skip(TokenKind.Equals) ? ParseValueLiteral(true) : null;
        var dirs = ParseDirectives(true);
        return new InputValueDefinitionNode(name, type, def) { Description = desc, Directives = dirs, Location = Loc(start, line, col) };
    }

    private ObjectTypeDefinitionNode ParseObject(bool ext)
    {
        _lexer.Advance();
        var name = ParseName();
        var ifaces = ParseImplements();
        var dirs = ParseDirectives(true);
        var fields = ParseFieldsDefinition();
        if (ext && ifaces.Count == 0 && dirs.Count == 0 && fields.Count == 0) throw Unexpected();
        return new ObjectTypeDefinitionNode(name, ifaces, fields) { Directives = dirs };
    }

    private InterfaceTypeDefinitionNode ParseInterface(bool ext)
    {
        _lexer.Advance();
        var name = ParseName();
        var ifaces = ParseImplements();
        var dirs = ParseDirectives(true);
        var fields = ParseFieldsDefinition();
        if (ext && ifaces.Count == 0 && dirs.Count == 0 && fields.Count == 0) throw Unexpected();
        return new InterfaceTypeDefinitionNode(name, ifaces, fields) { Directives = dirs };
    }

    private UnionTypeDefinitionNode ParseUnion(bool ext)
    {
        _lexer.Advance();
        var name = ParseName();
        var dirs = ParseDirectives(true);
        var types = new List<NamedTypeNode>();
        if (Skip(TokenKind.Equals))
        {
            Skip(TokenKind.Pipe);
            do types.Add(ParseNamedType());
            while (Skip(TokenKind.Pipe));
        }
        if (ext && dirs.Count == 0 && types.Count == 0) throw Unexpected();
        return new UnionTypeDefinitionNode(name, types) { Directives = dirs };
    }

    private EnumTypeDefinitionNode ParseEnum(bool ext)
    {
        _lexer.Advance();
        var name = ParseName();
        var dirs = ParseDirectives(true);
        var values = new List<EnumValueDefinitionNode>();
        if (Skip(TokenKind.BraceL))
        {
            do
            {
                int start = _lexer.Start, line = _lexer.TokenLine, col = _lexer.TokenColumn;
                var desc = ParseDescription();
                if (Kind == TokenKind.Name && _lexer.Value is "true" or "false" or "null")
                    throw _lexer.Error($"{_lexer.Value} is reserved and cannot be used for an enum value.", _lexer.Start);
                var v = ParseName();
                var vd = ParseDirectives(true);
                values.Add(new EnumValueDefinitionNode(v) { Description = desc, Directives = vd, Location = Loc(start, line, col) });
            } while (!Skip(TokenKind.BraceR));
        }
        if (ext && dirs.Count == 0 && values.Count == 0) throw Unexpected();
        return new EnumTypeDefinitionNode(name, values) { Directives = dirs };
    }

    private InputObjectTypeDefinitionNode ParseInput(bool ext)
    {
        _lexer.Advance();
        var name = ParseName();
        var dirs = ParseDirectives(true);
        var fields = new List<InputValueDefinitionNode>();
        if (Skip(TokenKind.BraceL))
        {
            do fields.Add(ParseInputValueDef());
            while (!Skip(TokenKind.BraceR));
        }
        if (ext && dirs.Count == 0 && fields.Count == 0) throw Unexpected();
        return new InputObjectTypeDefinitionNode(name, fields) { Directives = dirs };
    }

    private static readonly HashSet<string> DirectiveLocations =
    [
        "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT", "VARIABLE_DEFINITION",
        "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT", "INPUT_FIELD_DEFINITION",
    ];

    private DirectiveDefinitionNode ParseDirectiveDefinition()
    {
        _lexer.Advance();
        Expect(TokenKind.At);
        var name = ParseName();
        var args = ParseArgumentDefs();
        var repeatable = false;
        if (PeekKeyword("repeatable")) { repeatable = true; _lexer.Advance(); }
        ExpectKeyword("on");
        Skip(TokenKind.Pipe);
        var locs = new List<string>();
        do
        {
            var start = _lexer.Start;
            var loc = ParseName();
            if (!DirectiveLocations.Contains(loc)) throw _lexer.Error($"Unexpected Name \"{loc}\".", start);
            locs.Add(loc);
        } while (Skip(TokenKind.Pipe));
        return new DirectiveDefinitionNode(name, args, repeatable, locs);
    }
}
