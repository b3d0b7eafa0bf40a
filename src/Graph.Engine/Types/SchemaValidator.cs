using Graph.Engine.Language;

namespace Graph.Engine.Types;

/// <summary>
/// Type-system validation run when a schema is built: names, fields, interface implementation,
/// unions, enums, input objects (including @oneOf and non-null cycles) and applied directives.
/// https://spec.graphql.org/October2021/#sec-Type-System (the "Type Validation" subsections)
/// </summary>
internal static class SchemaValidator
{
    public static void Validate(Schema schema, List<string> errors)
    {
        ValidateDefaultValues(schema, errors);
        foreach (var d in schema.DirectiveList)
        {
            CheckName(d.Name, $"@{d.Name}", errors, isDirective: true);
            foreach (var a in d.ArgumentList)
            {
                CheckName(a.Name, $"@{d.Name}({a.Name}:)", errors);
                if (!a.Type.IsInputType) errors.Add($"The type of @{d.Name}({a.Name}:) must be Input Type but got: {a.Type}.");
                if (a.Type is NonNullType && a.DefaultValue is null && a.IsDeprecated) errors.Add($"Required argument @{d.Name}({a.Name}:) cannot be deprecated.");
            }
        }
        foreach (var t in schema.TypeList)
        {
            if (t.IsIntrospection) continue;
            switch (t)
            {
                case ComplexType ct:
                    foreach (var f in ct.FieldList)
                    {
                        CheckDirectives(schema, f.AppliedDirectives, "FIELD_DEFINITION", $"{ct.Name}.{f.Name}", errors);
                        foreach (var a in f.ArgumentList) CheckDirectives(schema, a.AppliedDirectives, "ARGUMENT_DEFINITION", $"{ct.Name}.{f.Name}({a.Name}:)", errors);
                    }
                    break;
                case EnumType e:
                    foreach (var v in e.ValueList) CheckDirectives(schema, v.AppliedDirectives, "ENUM_VALUE", $"{e.Name}.{v.Name}", errors);
                    break;
                case InputObjectType io:
                    foreach (var f in io.FieldList) CheckDirectives(schema, f.AppliedDirectives, "INPUT_FIELD_DEFINITION", $"{io.Name}.{f.Name}", errors);
                    break;
            }
            CheckName(t.Name, t.Name, errors);
            switch (t)
            {
                case ComplexType ct:
                    ValidateFields(ct, errors);
                    ValidateInterfaces(schema, ct, errors);
                    break;
                case UnionType u:
                    if (u.TypeList.Count == 0) errors.Add($"Union type {u.Name} must define one or more member types.");
                    break;
                case EnumType e:
                    if (e.ValueList.Count == 0) errors.Add($"Enum type {e.Name} must define one or more values.");
                    foreach (var v in e.ValueList) CheckName(v.Name, $"{e.Name}.{v.Name}", errors);
                    break;
                case InputObjectType io:
                    ValidateInputObject(io, errors);
                    break;
            }
            ValidateAppliedDirectives(schema, t, errors);
        }
    }

    private static void ValidateDefaultValues(Schema schema, List<string> errors)
    {
        void Check(InputValueDefinition v, string where)
        {
            if (v.DefaultValue is null) return;
            try { InputCoercion.CoerceLiteral(v.DefaultValue, v.Type, null); }
            catch (Exception ex) when (ex is CoercionException or MissingVariableException)
            {
                errors.Add($"Default value {Printer.Print(v.DefaultValue)} of {where} is not a valid {v.Type}: {ex.Message}");
            }
        }
        foreach (var d in schema.DirectiveList)
            foreach (var a in d.ArgumentList) Check(a, $"@{d.Name}({a.Name}:)");
        foreach (var t in schema.TypeList)
        {
            if (t.IsIntrospection) continue;
            if (t is ComplexType ct)
                foreach (var f in ct.FieldList)
                    foreach (var a in f.ArgumentList) Check(a, $"{ct.Name}.{f.Name}({a.Name}:)");
            if (t is InputObjectType io)
                foreach (var f in io.FieldList) Check(f, $"{io.Name}.{f.Name}");
        }
    }

    private static void CheckName(string name, string where, List<string> errors, bool isDirective = false)
    {
        if (name.StartsWith("__", StringComparison.Ordinal))
            errors.Add($"Name \"{name}\" must not begin with \"__\", which is reserved by GraphQL introspection ({(isDirective ? "directive " : "")}{where}).");
    }

    private static void ValidateFields(ComplexType t, List<string> errors)
    {
        if (t.FieldList.Count == 0) errors.Add($"Type {t.Name} must define one or more fields.");
        foreach (var f in t.FieldList)
        {
            CheckName(f.Name, $"{t.Name}.{f.Name}", errors);
            if (!f.Type.IsOutputType) errors.Add($"The type of {t.Name}.{f.Name} must be Output Type but got: {f.Type}.");
            foreach (var a in f.ArgumentList)
            {
                CheckName(a.Name, $"{t.Name}.{f.Name}({a.Name}:)", errors);
                if (!a.Type.IsInputType) errors.Add($"The type of {t.Name}.{f.Name}({a.Name}:) must be Input Type but got: {a.Type}.");
                if (a.Type is NonNullType && a.DefaultValue is null && a.IsDeprecated) errors.Add($"Required argument {t.Name}.{f.Name}({a.Name}:) cannot be deprecated.");
            }
        }
    }

    private static void ValidateInterfaces(Schema schema, ComplexType t, List<string> errors)
    {
        foreach (var iface in t.InterfaceList)
        {
            if (ReferenceEquals(iface, t)) { errors.Add($"Type {t.Name} cannot implement itself because it would create a circular reference."); continue; }
            foreach (var transitive in iface.InterfaceList)
                if (!t.InterfaceList.Contains(transitive))
                    errors.Add(ReferenceEquals(transitive, t)
                        ? $"Type {t.Name} cannot implement {iface.Name} because it would create a circular reference."
                        : $"Type {t.Name} must implement {transitive.Name} because it is implemented by {iface.Name}.");
            foreach (var ifield in iface.FieldList)
            {
                var field = t.GetField(ifield.Name);
                if (field is null) { errors.Add($"Interface field {iface.Name}.{ifield.Name} expected but {t.Name} does not provide it."); continue; }
                if (!Schema.IsTypeSubTypeOf(schema, field.Type, ifield.Type))
                    errors.Add($"Interface field {iface.Name}.{ifield.Name} expects type {ifield.Type} but {t.Name}.{field.Name} is type {field.Type}.");
                foreach (var iarg in ifield.ArgumentList)
                {
                    var arg = field.GetArgument(iarg.Name);
                    if (arg is null) { errors.Add($"Interface field argument {iface.Name}.{ifield.Name}({iarg.Name}:) expected but {t.Name}.{field.Name} does not provide it."); continue; }
                    if (!GraphType.AreEqual(arg.Type, iarg.Type))
                        errors.Add($"Interface field argument {iface.Name}.{ifield.Name}({iarg.Name}:) expects type {iarg.Type} but {t.Name}.{field.Name}({arg.Name}:) is type {arg.Type}.");
                }
                foreach (var arg in field.ArgumentList)
                    if (ifield.GetArgument(arg.Name) is null && arg.Type is NonNullType && arg.DefaultValue is null)
                        errors.Add($"Argument \"{t.Name}.{field.Name}({arg.Name}:)\" must not be required type \"{arg.Type}\" if not provided by the Interface field \"{iface.Name}.{ifield.Name}\".");
            }
        }
    }

    private static void ValidateInputObject(InputObjectType io, List<string> errors)
    {
        if (io.FieldList.Count == 0) errors.Add($"Input Object type {io.Name} must define one or more fields.");
        foreach (var f in io.FieldList)
        {
            CheckName(f.Name, $"{io.Name}.{f.Name}", errors);
            if (!f.Type.IsInputType) errors.Add($"The type of {io.Name}.{f.Name} must be Input Type but got: {f.Type}.");
            if (f.Type is NonNullType && f.DefaultValue is null && f.IsDeprecated) errors.Add($"Required input field {io.Name}.{f.Name} cannot be deprecated.");
            if (io.IsOneOf)
            {
                if (f.Type is NonNullType) errors.Add($"OneOf input field {io.Name}.{f.Name} must be nullable.");
                if (f.DefaultValue is not null) errors.Add($"OneOf input field {io.Name}.{f.Name} cannot have a default value.");
            }
        }
        if (NonNullCycle(io, io, [], out var path))
            errors.Add($"Cannot reference Input Object \"{io.Name}\" within itself through a series of non-null fields: \"{string.Join(".", path)}\".");
    }

    private static bool NonNullCycle(InputObjectType root, InputObjectType current, HashSet<InputObjectType> visiting, out List<string> path)
    {
        path = [];
        if (!visiting.Add(current)) return false;
        foreach (var f in current.FieldList)
        {
            if (f.Type is NonNullType { OfType: InputObjectType next })
            {
                if (ReferenceEquals(next, root)) { path = [f.Name]; return true; }
                if (NonNullCycle(root, next, visiting, out var rest)) { path = [f.Name, .. rest]; return true; }
            }
        }
        return false;
    }

    private static void ValidateAppliedDirectives(Schema schema, NamedType t, List<string> errors)
    {
        var location = t switch
        {
            ScalarType => "SCALAR", ObjectType => "OBJECT", InterfaceType => "INTERFACE", UnionType => "UNION", EnumType => "ENUM", _ => "INPUT_OBJECT",
        };
        CheckDirectives(schema, t.AppliedDirectives, location, t.Name, errors);
    }

    private static void CheckDirectives(Schema schema, IReadOnlyList<DirectiveNode> directives, string location, string where, List<string> errors)
    {
        if (directives.Count == 0) return;
        var seen = new HashSet<string>();
        foreach (var d in directives)
        {
            var def = schema.GetDirective(d.Name);
            if (def is null) { errors.Add($"Unknown directive \"@{d.Name}\" on {where}."); continue; }
            if (!def.Locations.Contains(location)) errors.Add($"Directive \"@{d.Name}\" may not be used on {location} ({where}).");
            if (!def.IsRepeatable && !seen.Add(d.Name)) errors.Add($"The directive \"@{d.Name}\" can only be used once at {where}.");
            foreach (var a in d.Arguments)
                if (def.GetArgument(a.Name) is null) errors.Add($"Unknown argument \"{a.Name}\" on directive \"@{d.Name}\" at {where}.");
            foreach (var arg in def.ArgumentList)
            {
                var given = d.Arguments.FirstOrDefault(a => a.Name == arg.Name);
                if (given is null)
                {
                    if (arg.Type is NonNullType && arg.DefaultValue is null) errors.Add($"Directive \"@{d.Name}\" argument \"{arg.Name}\" is required at {where}.");
                    continue;
                }
                try { InputCoercion.CoerceLiteral(given.Value, arg.Type, null); }
                catch (Exception ex) when (ex is CoercionException or MissingVariableException)
                {
                    errors.Add($"Directive \"@{d.Name}\" argument \"{arg.Name}\" at {where} has an invalid value: {ex.Message}");
                }
            }
        }
    }
}
