using System.Collections.Concurrent;
using System.Text.Json;
using Fhir.Server.Definitions;

namespace Fhir.Server.FhirPath;

/// <summary>
/// Entry point of the FHIRPath engine (http://hl7.org/fhirpath/N1/ with the FHIR R4 additions,
/// https://hl7.org/fhir/R4/fhirpath.html): parse once, evaluate many times from many threads.
/// Pipeline: <see cref="Lexer"/> → <see cref="Parser"/> (syntax tree) → <see cref="Compiler"/> (closures).
/// </summary>
public static class FhirPathCompiler
{
    private static readonly ConcurrentDictionary<string, CompiledFhirPath> Cache = new(StringComparer.Ordinal);

    /// <summary>Compiles (or returns the cached compilation of) an expression.</summary>
    /// <exception cref="FhirPathException">Syntax errors and unknown functions, with the position.</exception>
    public static CompiledFhirPath Compile(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (Cache.TryGetValue(expression, out var cached)) return cached;
        var compiled = new CompiledFhirPath(expression, Compiler.Compile(Parser.Parse(expression)));
        if (Cache.Count < 10_000) Cache.TryAdd(expression, compiled);
        return compiled;
    }

    /// <summary>
    /// Compiles an expression that will only ever be evaluated on resources of <paramref name="resourceType"/>:
    /// union branches that start at another resource type (always empty there) are left out, which is what
    /// makes the shared search parameters (<c>clinical-patient</c> and the like) cheap. Same results as
    /// <see cref="Compile"/> on such resources.
    /// </summary>
    public static CompiledFhirPath CompileFor(string expression, string resourceType, Func<string, bool> isResourceType)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var key = resourceType + "\n" + expression;
        if (Cache.TryGetValue(key, out var cached)) return cached;
        var pruned = TypePruning.Prune(Parser.Parse(expression), resourceType, isResourceType) ?? new LiteralNode(null, 0);
        var compiled = new CompiledFhirPath(expression, Compiler.Compile(pruned));
        if (Cache.Count < 10_000) Cache.TryAdd(key, compiled);
        return compiled;
    }
}

/// <summary>A compiled FHIRPath expression. Immutable and thread-safe.</summary>
public sealed class CompiledFhirPath
{
    private readonly Evaluator _evaluator;

    internal CompiledFhirPath(string expression, Evaluator evaluator)
    {
        Expression = expression;
        _evaluator = evaluator;
    }

    public string Expression { get; }

    /// <summary>Evaluates against a resource (JSON with <c>resourceType</c>); it is also <c>%resource</c> and <c>%context</c>.</summary>
    public IReadOnlyList<FhirPathValue> Evaluate(JsonElement resource, FhirPathContext? context = null)
    {
        var definitions = context?.Definitions ?? FhirDefinitions.Default;
        FhirPathValue focus = Navigation.ForResource(resource, definitions)
            ?? throw new FhirPathException("The evaluated JSON is not a FHIR resource (no resourceType)");
        return Evaluate(focus, context);
    }

    /// <summary>Evaluates with <paramref name="focus"/> as the context item (e.g. a component of a
    /// composite search parameter); <c>%resource</c> comes from the context, or is the focus.</summary>
    public IReadOnlyList<FhirPathValue> Evaluate(FhirPathValue focus, FhirPathContext? context = null)
    {
        var definitions = context?.Definitions ?? FhirDefinitions.Default;
        var resource = context?.Resource ?? focus;
        var globals = new Globals(definitions, context, resource, context?.RootResource);
        IReadOnlyList<FhirPathValue> input = [focus];
        globals.OriginalFocus = input;
        return _evaluator(new Env(globals, focus, 0, null), input);
    }

    /// <summary>Evaluates against a value of a known FHIR type that is not a resource (e.g. a HumanName).</summary>
    public IReadOnlyList<FhirPathValue> Evaluate(JsonElement element, string fhirType, FhirPathContext? context = null)
    {
        var definitions = context?.Definitions ?? FhirDefinitions.Default;
        return Evaluate(Navigation.ForType(element, fhirType, definitions), context);
    }

    public override string ToString() => Expression;
}
