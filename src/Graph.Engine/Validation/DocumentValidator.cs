using Graph.Engine.Language;
using Graph.Engine.Types;
using Graph.Engine.Validation.Rules;

namespace Graph.Engine.Validation;

/// <summary>
/// Runs every validation rule over a document in one walk, keeping type information current.
/// https://spec.graphql.org/October2021/#sec-Validation
/// </summary>
public static class DocumentValidator
{
    /// <summary>The rules of spec section 5 plus @oneOf, in graphql-js order.</summary>
    public static IReadOnlyList<Func<ValidationRule>> SpecifiedRules { get; } =
    [
        () => new ExecutableDefinitionsRule(),
        () => new KnownOperationTypesRule(),
        () => new UniqueOperationNamesRule(),
        () => new LoneAnonymousOperationRule(),
        () => new SingleFieldSubscriptionsRule(),
        () => new KnownTypeNamesRule(),
        () => new FragmentsOnCompositeTypesRule(),
        () => new VariablesAreInputTypesRule(),
        () => new ScalarLeafsRule(),
        () => new FieldsOnCorrectTypeRule(),
        () => new UniqueFragmentNamesRule(),
        () => new KnownFragmentNamesRule(),
        () => new NoUnusedFragmentsRule(),
        () => new PossibleFragmentSpreadsRule(),
        () => new NoFragmentCyclesRule(),
        () => new UniqueVariableNamesRule(),
        () => new NoUndefinedVariablesRule(),
        () => new NoUnusedVariablesRule(),
        () => new KnownDirectivesRule(),
        () => new UniqueDirectivesPerLocationRule(),
        () => new KnownArgumentNamesRule(),
        () => new UniqueArgumentNamesRule(),
        () => new ValuesOfCorrectTypeRule(),
        () => new ProvidedRequiredArgumentsRule(),
        () => new VariablesInAllowedPositionRule(),
        () => new OverlappingFieldsCanBeMergedRule(),
        () => new UniqueInputFieldNamesRule(),
        () => new MaxIntrospectionDepthRule(),
    ];

    /// <summary>Limits that protect the server; they run after the specified rules.</summary>
    public static IReadOnlyList<Func<ValidationRule>> LimitRules { get; } =
    [
        () => new MaxDepthRule(),
        () => new MaxCostRule(),
        () => new IntrospectionAllowedRule(),
    ];

    public static IReadOnlyList<ValidationError> Validate(Schema schema, DocumentNode document, ValidationOptions? options = null, IEnumerable<ValidationRule>? rules = null)
    {
        var ctx = new ValidationContext(schema, document, options ?? new ValidationOptions());
        var list = (rules ?? SpecifiedRules.Concat(LimitRules).Select(f => f())).ToArray();
        new Walker(ctx, list).Walk();
        return ctx.Errors;
    }

    private sealed class Walker(ValidationContext ctx, ValidationRule[] rules)
    {
        // Rule names are read once; each event is a plain loop (no per-event closure allocations).
        private readonly string[] _names = rules.Select(r => r.Name).ToArray();

        public void Walk()
        {
            var doc = ctx.Document;
            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterDocument(ctx, doc); }
            foreach (var def in doc.Definitions)
            {
                switch (def)
                {
                    case OperationDefinitionNode op: WalkOperation(op); break;
                    case FragmentDefinitionNode f: WalkFragment(f); break;
                }
            }
            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].LeaveDocument(ctx, doc); }
        }

        private void WalkOperation(OperationDefinitionNode op)
        {
            ctx.CurrentDefinition = op;
            ctx.Usages[op] = [];
            ctx.Spreads[op] = [];
            ctx.TypeStack.Add(ctx.Schema.GetRootType(op.Operation));
            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterOperation(ctx, op); }
            foreach (var v in op.VariableDefinitions)
            {
                var t = ctx.Schema.FromAst(v.Type);
                Push(t is not null && t.IsInputType ? t : null, false);
                for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterVariableDefinition(ctx, v); }
                if (v.DefaultValue is not null) WalkValue(v.DefaultValue);
                WalkDirectives(v.Directives, v, "VARIABLE_DEFINITION");
                Pop();
            }
            WalkDirectives(op.Directives, op, op.Operation switch { OperationType.Mutation => "MUTATION", OperationType.Subscription => "SUBSCRIPTION", _ => "QUERY" });
            WalkSelectionSet(op.SelectionSet);
            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].LeaveOperation(ctx, op); }
            ctx.TypeStack.RemoveAt(ctx.TypeStack.Count - 1);
        }

        private void WalkFragment(FragmentDefinitionNode f)
        {
            ctx.CurrentDefinition = f;
            ctx.Usages.TryAdd(f, []);
            ctx.Spreads.TryAdd(f, []);
            var t = ctx.Schema.GetType(f.TypeCondition.Name);
            ctx.TypeStack.Add(t is not null && t.IsOutputType ? t : null);
            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterFragmentDefinition(ctx, f); }
            WalkDirectives(f.Directives, f, "FRAGMENT_DEFINITION");
            WalkSelectionSet(f.SelectionSet);
            ctx.TypeStack.RemoveAt(ctx.TypeStack.Count - 1);
        }

        private void WalkSelectionSet(SelectionSetNode set)
        {
            var named = ctx.Type?.NamedType;
            ctx.ParentTypeStack.Add(named is not null && named.IsComposite ? named : null);
            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterSelectionSet(ctx, set); }
            foreach (var sel in set.Selections)
            {
                switch (sel)
                {
                    case FieldNode f: WalkField(f); break;
                    case InlineFragmentNode inl:
                        {
                            GraphType? t = inl.TypeCondition is not null ? ctx.Schema.GetType(inl.TypeCondition.Name) : ctx.Type?.NamedType;
                            ctx.TypeStack.Add(t is not null && t.IsOutputType ? t : null);
                            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterInlineFragment(ctx, inl); }
                            WalkDirectives(inl.Directives, inl, "INLINE_FRAGMENT");
                            WalkSelectionSet(inl.SelectionSet);
                            ctx.TypeStack.RemoveAt(ctx.TypeStack.Count - 1);
                            break;
                        }
                    case FragmentSpreadNode fs:
                        if (ctx.CurrentDefinition is not null) ctx.Spreads[ctx.CurrentDefinition].Add(fs);
                        for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterFragmentSpread(ctx, fs); }
                        WalkDirectives(fs.Directives, fs, "FRAGMENT_SPREAD");
                        break;
                }
            }
            ctx.ParentTypeStack.RemoveAt(ctx.ParentTypeStack.Count - 1);
        }

        private void WalkField(FieldNode f)
        {
            var parent = ctx.ParentType;
            var def = parent is null ? null : ctx.Schema.GetFieldIncludingMeta(parent, f.Name);
            ctx.FieldStack.Add(def);
            ctx.TypeStack.Add(def?.Type);
            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterField(ctx, f); }
            foreach (var a in f.Arguments)
            {
                var argDef = def?.GetArgument(a.Name);
                ctx.Argument = argDef;
                Push(argDef?.Type, argDef?.DefaultValue is not null);
                for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterArgument(ctx, a); }
                WalkValue(a.Value);
                Pop();
                ctx.Argument = null;
            }
            WalkDirectives(f.Directives, f, "FIELD");
            if (f.SelectionSet is not null) WalkSelectionSet(f.SelectionSet);
            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].LeaveField(ctx, f); }
            ctx.TypeStack.RemoveAt(ctx.TypeStack.Count - 1);
            ctx.FieldStack.RemoveAt(ctx.FieldStack.Count - 1);
        }

        private void WalkDirectives(IReadOnlyList<DirectiveNode> directives, SyntaxNode owner, string location)
        {
            if (directives.Count == 0) return;
            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterDirectives(ctx, directives, owner, location); }
            foreach (var d in directives)
            {
                var def = ctx.Schema.GetDirective(d.Name);
                ctx.Directive = def;
                for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterDirective(ctx, d, location); }
                foreach (var a in d.Arguments)
                {
                    var argDef = def?.GetArgument(a.Name);
                    ctx.Argument = argDef;
                    Push(argDef?.Type, argDef?.DefaultValue is not null);
                    for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterArgument(ctx, a); }
                    WalkValue(a.Value);
                    Pop();
                    ctx.Argument = null;
                }
                for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].LeaveDirective(ctx, d); }
                ctx.Directive = null;
            }
        }

        private void Push(GraphType? t, bool hasDefault, bool oneOf = false)
        {
            ctx.InputTypeStack.Add(t);
            ctx.InputDefaultStack.Add(hasDefault);
            ctx.OneOfFieldStack.Add(oneOf);
        }

        private void Pop()
        {
            ctx.InputTypeStack.RemoveAt(ctx.InputTypeStack.Count - 1);
            ctx.InputDefaultStack.RemoveAt(ctx.InputDefaultStack.Count - 1);
            ctx.OneOfFieldStack.RemoveAt(ctx.OneOfFieldStack.Count - 1);
        }

        private void WalkValue(ValueNode value)
        {
            if (value is VariableNode v && ctx.CurrentDefinition is not null)
                ctx.Usages[ctx.CurrentDefinition].Add(new VariableUsage(v, ctx.InputType, ctx.InputHasDefault, ctx.InOneOfField));
            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterValue(ctx, value); }
            switch (value)
            {
                case ListValueNode l:
                    {
                        var lt = ctx.InputType?.Nullable;
                        var itemType = lt is ListType list ? list.OfType : lt;
                        foreach (var item in l.Values)
                        {
                            Push(itemType, false);
                            WalkValue(item);
                            Pop();
                        }
                        break;
                    }
                case ObjectValueNode o:
                    {
                        var io = ctx.InputType?.NamedType as InputObjectType;
                        foreach (var f in o.Fields)
                        {
                            var fd = io?.GetField(f.Name);
                            Push(fd?.Type, fd?.DefaultValue is not null, io?.IsOneOf == true);
                            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].EnterObjectField(ctx, f); }
                            WalkValue(f.Value);
                            Pop();
                        }
                        break;
                    }
            }
            for (var i = 0; i < rules.Length; i++) { ctx.CurrentRule = _names[i]; rules[i].LeaveValue(ctx, value); }
        }
    }
}
