using Graph.Engine.Language;
using Graph.Engine.Validation;

namespace Graph.Engine.Tests;

public abstract class ValidationTestBase
{
    protected static IReadOnlyList<ValidationError> Validate(string query) =>
        DocumentValidator.Validate(TestSchemas.Spec, Parser.Parse(query));

    protected static void AssertValid(string query)
    {
        var errors = Validate(query);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Rule}: {e.Message}")));
    }

    protected static void AssertInvalid(string rule, string query)
    {
        var errors = Validate(query);
        Assert.True(errors.Any(e => e.Rule == rule), $"Expected {rule}; got: " + string.Join("\n", errors.Select(e => $"{e.Rule}: {e.Message}")));
    }
}
