using Graph.Engine.Execution;
using Graph.Engine.Language;

namespace Graph.Engine.Types;

/// <summary>A schema that failed validation at build time; <see cref="Errors"/> lists every problem.</summary>
public sealed class SchemaException(IReadOnlyList<string> errors)
    : Exception("Invalid schema:\n" + string.Join("\n", errors.Select(e => "  - " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Builds a <see cref="Schema"/> from SDL and binds C# resolvers to its fields.
/// <code>
/// var schema = SchemaBuilder.FromSdl(sdl)
///     .Bind("Query", "patient", ctx => store.Find(ctx.Argument&lt;string&gt;("id"), ctx.User))
///     .Bind&lt;Patient&gt;("Patient", "appointments", (p, ctx) => ctx.DataLoader&lt;string, Appointment[]&gt;("appointmentsByPatient", LoadAsync).LoadAsync(p.Id))
///     .Build();
/// </code>
/// https://spec.graphql.org/October2021/#sec-Type-System
/// </summary>
public sealed class SchemaBuilder
{
    private readonly List<string> _sources = [];
    private readonly List<Action<Schema, List<string>>> _bindings = [];
    private readonly Dictionary<string, ScalarType> _customScalars = new(StringComparer.Ordinal);
    private static readonly string[] PageSizeNames = ["first", "last", "limit", "take", "pageSize", "count"];

    public static SchemaBuilder FromSdl(params string[] sdl)
    {
        var b = new SchemaBuilder();
        b._sources.AddRange(sdl);
        return b;
    }

    /// <summary>Reads one or more schema.graphql files (type extensions may live in separate files).</summary>
    public static SchemaBuilder FromFiles(params string[] paths) => FromSdl(paths.Select(File.ReadAllText).ToArray());

    public SchemaBuilder AddSdl(string sdl)
    {
        _sources.Add(sdl);
        return this;
    }

    public SchemaBuilder Bind(string typeName, string fieldName, Func<ResolverContext, object?> resolver) =>
        BindField(typeName, fieldName, f => { f.Resolver = resolver; f.AsyncResolver = null; });

    /// <summary>Binds a resolver that receives the parent value typed: <c>.Bind&lt;Patient&gt;("Patient", "age", (p, ctx) =&gt; p.Age(today))</c>.</summary>
    public SchemaBuilder Bind<TParent>(string typeName, string fieldName, Func<TParent, ResolverContext, object?> resolver) =>
        BindField(typeName, fieldName, f => { f.Resolver = ctx => resolver((TParent)ctx.Parent!, ctx); f.AsyncResolver = null; });

    public SchemaBuilder Bind<T>(string typeName, string fieldName, Func<ResolverContext, Task<T>> resolver) =>
        BindField(typeName, fieldName, f => { f.Resolver = null; f.AsyncResolver = async ctx => await resolver(ctx).ConfigureAwait(false); });

    /// <summary>Binds a ValueTask-returning resolver (no allocation when it completes synchronously).</summary>
    public SchemaBuilder BindValueTask<T>(string typeName, string fieldName, Func<ResolverContext, ValueTask<T>> resolver) =>
        BindField(typeName, fieldName, f =>
        {
            f.Resolver = null;
            f.AsyncResolver = ctx =>
            {
                var vt = resolver(ctx);
                return vt.IsCompletedSuccessfully ? new ValueTask<object?>(vt.Result) : Await(vt);
            };
        });

    private static async ValueTask<object?> Await<T>(ValueTask<T> vt) => await vt.ConfigureAwait(false);

    /// <summary>Binds resolvers for several fields of one type: <c>.BindType("Query", t => t.Field("a", ...))</c>.</summary>
    public SchemaBuilder BindType(string typeName, Action<TypeBinder> configure)
    {
        configure(new TypeBinder(this, typeName));
        return this;
    }

    /// <summary>Declares which argument gives a list field's page size for cost analysis (default: first/last/limit/take/pageSize/count).</summary>
    public SchemaBuilder PageSize(string typeName, string fieldName, string argumentName) =>
        BindField(typeName, fieldName, f => f.PageSizeArgument = argumentName);

    /// <summary>Maps a CLR type to an object type so interfaces and unions resolve values of that type to it.</summary>
    public SchemaBuilder BindClrType<T>(string objectTypeName)
    {
        _bindings.Add((schema, errors) =>
        {
            if (schema.GetType(objectTypeName) is ObjectType o) { o.ClrType = typeof(T); schema.ClrTypeMap[typeof(T)] = o; }
            else errors.Add($"Cannot bind CLR type {typeof(T).Name}: \"{objectTypeName}\" is not an object type in the schema.");
        });
        return this;
    }

    public SchemaBuilder IsTypeOf(string objectTypeName, Func<object, bool> isTypeOf)
    {
        _bindings.Add((schema, errors) =>
        {
            if (schema.GetType(objectTypeName) is ObjectType o) o.IsTypeOf = isTypeOf;
            else errors.Add($"Cannot bind isTypeOf: \"{objectTypeName}\" is not an object type in the schema.");
        });
        return this;
    }

    /// <summary>Resolves the concrete object type name of a value returned for an interface or union.</summary>
    public SchemaBuilder ResolveType(string abstractTypeName, TypeResolver resolver)
    {
        _bindings.Add((schema, errors) =>
        {
            switch (schema.GetType(abstractTypeName))
            {
                case InterfaceType i: i.ResolveType = resolver; break;
                case UnionType u: u.ResolveType = resolver; break;
                default: errors.Add($"Cannot bind type resolver: \"{abstractTypeName}\" is not an interface or union."); break;
            }
        });
        return this;
    }

    /// <summary>Binds the runtime value of an enum value (by default its name).</summary>
    public SchemaBuilder EnumValue(string enumName, string valueName, object runtimeValue)
    {
        _bindings.Add((schema, errors) =>
        {
            if (schema.GetType(enumName) is EnumType e && e.GetValue(valueName) is { } v) v.Value = runtimeValue;
            else errors.Add($"Cannot bind enum value: \"{enumName}.{valueName}\" does not exist.");
        });
        return this;
    }

    /// <summary>Binds all values of a CLR enum whose names match the GraphQL enum values.</summary>
    public SchemaBuilder BindEnum<TEnum>(string enumName) where TEnum : struct, Enum
    {
        foreach (var v in Enum.GetValues<TEnum>()) EnumValue(enumName, v.ToString(), v);
        return this;
    }

    public SchemaBuilder Scalar(string name, Func<object, object?> serialize, Func<object, object?> parseValue, Func<ValueNode, object?>? parseLiteral = null)
    {
        _customScalars[name] = new ScalarType(name, serialize, parseValue, parseLiteral);
        return this;
    }

    private SchemaBuilder BindField(string typeName, string fieldName, Action<FieldDefinition> apply)
    {
        _bindings.Add((schema, errors) =>
        {
            if (schema.GetType(typeName) is not ComplexType t)
                errors.Add($"Cannot bind \"{typeName}.{fieldName}\": type \"{typeName}\" is not an object or interface type in the schema.");
            else if (t.GetField(fieldName) is not { } f)
                errors.Add($"Cannot bind \"{typeName}.{fieldName}\": the type has no such field.");
            else apply(f);
        });
        return this;
    }

    public sealed class TypeBinder(SchemaBuilder builder, string typeName)
    {
        public TypeBinder Field(string name, Func<ResolverContext, object?> resolver)
        {
            builder.Bind(typeName, name, resolver);
            return this;
        }

        public TypeBinder Field<T>(string name, Func<ResolverContext, Task<T>> resolver)
        {
            builder.Bind(typeName, name, resolver);
            return this;
        }
    }

    public Schema Build()
    {
        var errors = new List<string>();
        var docs = new List<DocumentNode>();
        for (var i = 0; i < _sources.Count; i++)
        {
            try { docs.Add(Parser.Parse(_sources[i])); }
            catch (GraphQLSyntaxException ex) { errors.Add($"SDL document {i + 1} ({ex.Line}:{ex.Column}): {ex.Message}"); }
        }
        if (errors.Count > 0) throw new SchemaException(errors);
        var schema = new SchemaAssembler(docs, _customScalars, errors).Assemble();
        if (errors.Count == 0) SchemaValidator.Validate(schema, errors);
        if (errors.Count > 0) throw new SchemaException(errors);
        Introspection.Bind(schema);
        foreach (var b in _bindings) b(schema, errors);
        if (errors.Count > 0) throw new SchemaException(errors);
        foreach (var t in schema.TypeList)
            if (t is ComplexType ct)
                foreach (var f in ct.FieldList)
                    if (f.PageSizeArgument is null && f.Type.Nullable is ListType)
                        foreach (var n in PageSizeNames)
                            if (f.GetArgument(n) is { } a && a.Type.NamedType.Name == "Int") { f.PageSizeArgument = n; break; }
        return schema;
    }

    /// <summary>Turns parsed SDL into the type model (definitions, extensions, references).</summary>
    private sealed class SchemaAssembler(List<DocumentNode> docs, Dictionary<string, ScalarType> customScalars, List<string> errors)
    {
        private readonly Schema _schema = new();
        private readonly Dictionary<string, NamedType> _types = new(StringComparer.Ordinal);
        private readonly List<TypeDefinitionNode> _definitions = [];
        private readonly List<TypeDefinitionNode> _extensions = [];

        public Schema Assemble()
        {
            var userDefs = new List<TypeDefinitionNode>();
            var directiveDefs = new List<DirectiveDefinitionNode>();
            SchemaDefinitionNode? schemaDef = null;
            var schemaExts = new List<SchemaDefinitionNode>();
            foreach (var doc in docs)
                foreach (var def in doc.Definitions)
                {
                    switch (def)
                    {
                        case TypeDefinitionNode td when td.IsExtension: _extensions.Add(td); break;
                        case TypeDefinitionNode td: userDefs.Add(td); break;
                        case DirectiveDefinitionNode dd: directiveDefs.Add(dd); break;
                        case SchemaDefinitionNode sd when sd.IsExtension: schemaExts.Add(sd); break;
                        case SchemaDefinitionNode sd:
                            if (schemaDef is not null) errors.Add("Must provide only one schema definition.");
                            schemaDef = sd;
                            break;
                        default:
                            errors.Add($"SDL may only contain type-system definitions; found an executable definition at {def.Location.Line}:{def.Location.Column}.");
                            break;
                    }
                }

            foreach (var td in userDefs)
            {
                if (_types.ContainsKey(td.Name) || ScalarType.IsBuiltInName(td.Name) && td is not ScalarTypeDefinitionNode)
                {
                    errors.Add($"There can be only one type named \"{td.Name}\".");
                    continue;
                }
                if (td is ScalarTypeDefinitionNode && ScalarType.IsBuiltInName(td.Name))
                {
                    errors.Add($"Type \"{td.Name}\" already exists in the schema. It cannot also be defined in this type definition.");
                    continue;
                }
                _types[td.Name] = Create(td);
                _definitions.Add(td);
            }
            foreach (var name in new[] { "String", "Boolean", "Int", "Float", "ID" })
                if (!_types.ContainsKey(name)) _types[name] = ScalarType.CreateBuiltIn(name);

            var introDoc = Parser.Parse(Introspection.Sdl);
            var introDefs = introDoc.Definitions.OfType<TypeDefinitionNode>().ToList();
            foreach (var td in introDefs) _types[td.Name] = Create(td);

            foreach (var ext in _extensions)
                if (!_types.TryGetValue(ext.Name, out var t) || t.IsIntrospection || (t is ScalarType s && s.IsBuiltIn))
                    errors.Add($"Cannot extend type \"{ext.Name}\" because it is not defined.");
                else if (Create(ext).Kind != t.Kind)
                    errors.Add($"Cannot extend non-{KindWord(Create(ext))} type \"{ext.Name}\".");

            foreach (var td in _definitions.Concat(introDefs)) Populate(_types[td.Name], td);
            foreach (var ext in _extensions)
                if (_types.TryGetValue(ext.Name, out var t) && !t.IsIntrospection && Create(ext).Kind == t.Kind) Populate(t, ext);

            // Directives: custom first, then the specified ones not redefined (graphql-js order).
            var specified = Parser.Parse(Introspection.SpecifiedDirectivesSdl).Definitions.OfType<DirectiveDefinitionNode>().ToList();
            foreach (var dd in directiveDefs)
            {
                if (_schema.DirectiveList.Any(d => d.Name == dd.Name) || specified.Any(s => s.Name == dd.Name))
                {
                    errors.Add($"There can be only one directive named \"@{dd.Name}\".");
                    continue;
                }
                _schema.DirectiveList.Add(BuildDirective(dd));
            }
            foreach (var sd in specified) _schema.DirectiveList.Add(BuildDirective(sd));

            // Root operation types.
            var ops = new Dictionary<OperationType, string>();
            if (schemaDef is not null)
            {
                _schema.Description = schemaDef.Description;
                foreach (var o in schemaDef.OperationTypes)
                {
                    if (ops.ContainsKey(o.Operation)) errors.Add($"There can be only one {o.Operation.ToString().ToLowerInvariant()} type in schema.");
                    ops[o.Operation] = o.Type.Name;
                }
            }
            else
            {
                if (_types.ContainsKey("Query")) ops[OperationType.Query] = "Query";
                if (_types.ContainsKey("Mutation")) ops[OperationType.Mutation] = "Mutation";
                if (_types.ContainsKey("Subscription")) ops[OperationType.Subscription] = "Subscription";
            }
            foreach (var se in schemaExts)
                foreach (var o in se.OperationTypes)
                {
                    if (ops.ContainsKey(o.Operation)) errors.Add($"Type for {o.Operation.ToString().ToLowerInvariant()} already defined in the schema. It cannot be redefined.");
                    ops[o.Operation] = o.Type.Name;
                }
            foreach (var (op, name) in ops)
            {
                var opName = op.ToString();
                if (!_types.TryGetValue(name, out var t)) { errors.Add($"{opName} root type \"{name}\" is not defined."); continue; }
                if (t is not ObjectType ot) { errors.Add($"{opName} root type must be Object type, it cannot be {name}."); continue; }
                switch (op)
                {
                    case OperationType.Query: _schema.QueryType = ot; break;
                    case OperationType.Mutation: _schema.MutationType = ot; break;
                    default: _schema.SubscriptionType = ot; break;
                }
            }
            if (_schema.QueryType is null) errors.Add("Query root type must be provided.");

            CollectTypes(userDefs.Where(d => _types.ContainsKey(d.Name)).Select(d => _types[d.Name]).Distinct().ToList());
            return _schema;
        }

        private static string KindWord(NamedType t) => t switch
        {
            ScalarType => "scalar", ObjectType => "object", InterfaceType => "interface", UnionType => "union", EnumType => "enum", _ => "input object",
        };

        private NamedType Create(TypeDefinitionNode td) => td switch
        {
            ScalarTypeDefinitionNode s => customScalars.TryGetValue(s.Name, out var cs) ? cs : new ScalarType(s.Name),
            ObjectTypeDefinitionNode o => new ObjectType(o.Name),
            InterfaceTypeDefinitionNode i => new InterfaceType(i.Name),
            UnionTypeDefinitionNode u => new UnionType(u.Name),
            EnumTypeDefinitionNode e => new EnumType(e.Name),
            InputObjectTypeDefinitionNode io => new InputObjectType(io.Name),
            _ => throw new InvalidOperationException(),
        };

        private GraphType? Ref(TypeNode node, string where)
        {
            var t = node switch
            {
                NamedTypeNode n => (GraphType?)_types.GetValueOrDefault(n.Name),
                ListTypeNode l => Ref(l.Type, where) is { } inner ? new ListType(inner) : null,
                NonNullTypeNode nn => Ref(nn.Type, where) is { } inner2 ? new NonNullType(inner2) : null,
                _ => null,
            };
            if (t is null && node is NamedTypeNode nt) errors.Add($"Unknown type \"{nt.Name}\" referenced by {where}.");
            return t;
        }

        private static string? Deprecation(IReadOnlyList<DirectiveNode> dirs)
        {
            foreach (var d in dirs)
                if (d.Name == "deprecated")
                {
                    foreach (var a in d.Arguments)
                        if (a.Name == "reason" && a.Value is StringValueNode s) return s.Value;
                    return "No longer supported";
                }
            return null;
        }

        private InputValueDefinition BuildInputValue(InputValueDefinitionNode n, string where)
        {
            var t = Ref(n.Type, where) ?? _types["String"];
            return new InputValueDefinition(n.Name, t)
            {
                Description = n.Description,
                DefaultValue = n.DefaultValue,
                DeprecationReason = Deprecation(n.Directives),
                AppliedDirectives = n.Directives,
            };
        }

        private DirectiveDefinition BuildDirective(DirectiveDefinitionNode dd)
        {
            var d = new DirectiveDefinition(dd.Name) { Description = dd.Description, IsRepeatable = dd.Repeatable, Locations = dd.Locations };
            foreach (var a in dd.Arguments) d.ArgumentList.Add(BuildInputValue(a, $"@{dd.Name}({a.Name}:)"));
            return d;
        }

        private void Populate(NamedType type, TypeDefinitionNode td)
        {
            if (!td.IsExtension) type.Description = td.Description;
            if (td.Directives.Count > 0) type.AppliedDirectives = type.AppliedDirectives.Concat(td.Directives).ToList();
            switch (type, td)
            {
                case (ComplexType ct, ObjectTypeDefinitionNode or InterfaceTypeDefinitionNode):
                    var (ifaces, fields) = td is ObjectTypeDefinitionNode o ? (o.Interfaces, o.Fields) : (((InterfaceTypeDefinitionNode)td).Interfaces, ((InterfaceTypeDefinitionNode)td).Fields);
                    foreach (var i in ifaces)
                    {
                        if (!_types.TryGetValue(i.Name, out var it)) { errors.Add($"Unknown type \"{i.Name}\" referenced by {ct.Name} implements."); continue; }
                        if (it is not InterfaceType iface) { errors.Add($"Type {ct.Name} must only implement Interface types, it cannot implement {i.Name}."); continue; }
                        if (ct.InterfaceList.Contains(iface)) { errors.Add($"Type {ct.Name} can only implement {i.Name} once."); continue; }
                        ct.InterfaceList.Add(iface);
                    }
                    foreach (var f in fields)
                    {
                        if (ct.FieldMap.ContainsKey(f.Name))
                        {
                            errors.Add(td.IsExtension ? $"Field \"{ct.Name}.{f.Name}\" already exists in the schema. It cannot also be defined in this type extension." : $"Field \"{ct.Name}.{f.Name}\" can only be defined once.");
                            continue;
                        }
                        var ft = Ref(f.Type, $"{ct.Name}.{f.Name}") ?? _types["String"];
                        var fd = new FieldDefinition(f.Name, ft) { Description = f.Description, DeprecationReason = Deprecation(f.Directives), AppliedDirectives = f.Directives };
                        foreach (var a in f.Arguments)
                        {
                            if (fd.ArgumentList.Any(x => x.Name == a.Name)) { errors.Add($"Argument \"{ct.Name}.{f.Name}({a.Name}:)\" can only be defined once."); continue; }
                            fd.ArgumentList.Add(BuildInputValue(a, $"{ct.Name}.{f.Name}({a.Name}:)"));
                        }
                        ct.AddField(fd);
                    }
                    break;
                case (UnionType u, UnionTypeDefinitionNode un):
                    foreach (var m in un.Types)
                    {
                        if (!_types.TryGetValue(m.Name, out var mt)) { errors.Add($"Unknown type \"{m.Name}\" referenced by union {u.Name}."); continue; }
                        if (mt is not ObjectType mo) { errors.Add($"Union type {u.Name} can only include Object types, it cannot include {m.Name}."); continue; }
                        if (u.TypeList.Contains(mo)) { errors.Add($"Union type {u.Name} can only include type {m.Name} once."); continue; }
                        u.TypeList.Add(mo);
                    }
                    break;
                case (EnumType e, EnumTypeDefinitionNode en):
                    foreach (var v in en.Values)
                    {
                        if (e.ValueMap.ContainsKey(v.Name)) { errors.Add($"Enum value \"{e.Name}.{v.Name}\" can only be defined once."); continue; }
                        var ev = new EnumValueDefinition(v.Name) { Description = v.Description, DeprecationReason = Deprecation(v.Directives), AppliedDirectives = v.Directives };
                        e.ValueList.Add(ev);
                        e.ValueMap[v.Name] = ev;
                    }
                    break;
                case (InputObjectType io, InputObjectTypeDefinitionNode ion):
                    if (ion.Directives.Any(d => d.Name == "oneOf")) io.IsOneOf = true;
                    foreach (var f in ion.Fields)
                    {
                        if (io.FieldMap.ContainsKey(f.Name)) { errors.Add($"Field \"{io.Name}.{f.Name}\" can only be defined once."); continue; }
                        var iv = BuildInputValue(f, $"{io.Name}.{f.Name}");
                        io.FieldList.Add(iv);
                        io.FieldMap[f.Name] = iv;
                    }
                    break;
                case (ScalarType s, ScalarTypeDefinitionNode sn):
                    foreach (var d in sn.Directives)
                        if (d.Name == "specifiedBy")
                            foreach (var a in d.Arguments)
                                if (a.Name == "url" && a.Value is StringValueNode url) s.SpecifiedByUrl = url.Value;
                    break;
            }
        }

        /// <summary>Type order as graphql-js's GraphQLSchema constructor collects it (depth-first from the declared types).</summary>
        private void CollectTypes(List<NamedType> declared)
        {
            var set = new List<NamedType>();
            var seen = new HashSet<NamedType>(declared);
            set.AddRange(declared);
            foreach (var t in declared)
            {
                set.Remove(t);
                seen.Remove(t);
                Collect(t, set, seen);
            }
            if (_schema.QueryType is not null) Collect(_schema.QueryType, set, seen);
            if (_schema.MutationType is not null) Collect(_schema.MutationType, set, seen);
            if (_schema.SubscriptionType is not null) Collect(_schema.SubscriptionType, set, seen);
            foreach (var d in _schema.DirectiveList)
                foreach (var a in d.ArgumentList) Collect(a.Type.NamedType, set, seen);
            Collect(_types["__Schema"], set, seen);
            foreach (var t in set)
            {
                _schema.TypeList.Add(t);
                _schema.TypeMap[t.Name] = t;
            }
            foreach (var t in _types.Values)
                if (!_schema.TypeMap.ContainsKey(t.Name) && !(t is ScalarType { IsBuiltIn: true }))
                {
                    _schema.TypeList.Add(t);
                    _schema.TypeMap[t.Name] = t;
                }
            foreach (var t in _schema.TypeList)
                if (t is ComplexType ct)
                    foreach (var i in ct.InterfaceList)
                    {
                        if (!_schema.Implementations.TryGetValue(i, out var list)) _schema.Implementations[i] = list = [];
                        if (ct is ObjectType ot) list.Add(ot);
                    }
        }

        private static void Collect(NamedType t, List<NamedType> set, HashSet<NamedType> seen)
        {
            if (!seen.Add(t)) return;
            set.Add(t);
            switch (t)
            {
                case UnionType u:
                    foreach (var m in u.TypeList) Collect(m, set, seen);
                    break;
                case ComplexType ct:
                    foreach (var i in ct.InterfaceList) Collect(i, set, seen);
                    foreach (var f in ct.FieldList)
                    {
                        Collect(f.Type.NamedType, set, seen);
                        foreach (var a in f.ArgumentList) Collect(a.Type.NamedType, set, seen);
                    }
                    break;
                case InputObjectType io:
                    foreach (var f in io.FieldList) Collect(f.Type.NamedType, set, seen);
                    break;
            }
        }
    }
}
