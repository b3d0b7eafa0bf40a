namespace Graph.Engine.Tests;

// Each test reproduces an example of spec section 5 (October 2021); names follow the spec's example names.

public class ExecutableDefinitionsRuleTests : ValidationTestBase
{
    [Fact] public void Example_TypeDefinitionInQueryDocument_IsInvalid() =>
        AssertInvalid("ExecutableDefinitionsRule", "query getDogName { dog { name color } } extend type Dog { color: String }");
}

public class UniqueOperationNamesRuleTests : ValidationTestBase
{
    [Fact] public void Example_getDogName_getOwnerName_IsValid() =>
        AssertValid("query getDogName { dog { name } } query getOwnerName { dog { owner { name } } }");
    [Fact] public void Example_dogOperation_Twice_IsInvalid() =>
        AssertInvalid("UniqueOperationNamesRule", "query dogOperation { dog { name } } query dogOperation { dog { owner { name } } }");
    [Fact] public void Example_dogOperation_QueryAndMutation_IsInvalid() =>
        AssertInvalid("UniqueOperationNamesRule", "query dogOperation { dog { name } } mutation dogOperation { mutateDog { name } }");
}

public class LoneAnonymousOperationRuleTests : ValidationTestBase
{
    [Fact] public void Example_AnonymousAlone_IsValid() => AssertValid("{ dog { name } }");
    [Fact] public void Example_AnonymousWithNamed_IsInvalid() =>
        AssertInvalid("LoneAnonymousOperationRule", "{ dog { name } } query getName { dog { owner { name } } }");
}

public class SingleFieldSubscriptionsRuleTests : ValidationTestBase
{
    [Fact] public void Example_sub_IsValid() => AssertValid("subscription sub { newMessage { body sender } }");
    [Fact] public void Example_sub_WithFragment_IsValid() =>
        AssertValid("subscription sub { ...newMessageFields } fragment newMessageFields on Subscription { newMessage { body sender } }");
    [Fact] public void Example_sub_TwoRootFields_IsInvalid() =>
        AssertInvalid("SingleFieldSubscriptionsRule", "subscription sub { newMessage { body sender } disallowedSecondRootField }");
    [Fact] public void Example_sub_TwoRootFieldsViaFragment_IsInvalid() =>
        AssertInvalid("SingleFieldSubscriptionsRule", "subscription sub { ...multipleSubscriptions } fragment multipleSubscriptions on Subscription { newMessage { body sender } disallowedSecondRootField }");
    [Fact] public void Example_sub_Typename_IsInvalid() =>
        AssertInvalid("SingleFieldSubscriptionsRule", "subscription sub { newMessage { body sender } __typename }");
}

public class KnownOperationTypesRuleTests : ValidationTestBase
{
    [Fact] public void MutationWithoutMutationType_IsInvalid()
    {
        var schema = Types.SchemaBuilder.FromSdl("type Query { a: Int }").Build();
        var errors = Validation.DocumentValidator.Validate(schema, Language.Parser.Parse("mutation { a }"));
        Assert.Contains(errors, e => e.Rule == "KnownOperationTypesRule");
    }
}

public class FieldsOnCorrectTypeRuleTests : ValidationTestBase
{
    [Fact] public void Example_fieldNotDefined_IsInvalid() =>
        AssertInvalid("FieldsOnCorrectTypeRule", "fragment fieldNotDefined on Dog { meowVolume } { dog { ...fieldNotDefined } }");
    [Fact] public void Example_aliasedLyingFieldTargetNotDefined_IsInvalid() =>
        AssertInvalid("FieldsOnCorrectTypeRule", "fragment aliasedLyingFieldTargetNotDefined on Dog { barkVolume: kawVolume } { dog { ...aliasedLyingFieldTargetNotDefined } }");
    [Fact] public void Example_interfaceFieldSelection_IsValid() =>
        AssertValid("fragment interfaceFieldSelection on Pet { name } { pet { ...interfaceFieldSelection } }");
    [Fact] public void Example_definedOnImplementorsButNotInterface_IsInvalid() =>
        AssertInvalid("FieldsOnCorrectTypeRule", "fragment definedOnImplementorsButNotInterface on Pet { nickname } { pet { ...definedOnImplementorsButNotInterface } }");
    [Fact] public void Example_inDirectFieldSelectionOnUnion_IsValid() =>
        AssertValid("fragment inDirectFieldSelectionOnUnion on CatOrDog { __typename ... on Pet { name } ... on Dog { barkVolume } } { catOrDog { ...inDirectFieldSelectionOnUnion } }");
    [Fact] public void Example_directFieldSelectionOnUnion_IsInvalid() =>
        AssertInvalid("FieldsOnCorrectTypeRule", "fragment directFieldSelectionOnUnion on CatOrDog { directField } { catOrDog { ...directFieldSelectionOnUnion } }");
}

public class OverlappingFieldsCanBeMergedRuleTests : ValidationTestBase
{
    [Fact] public void Example_mergeIdenticalFields_IsValid() =>
        AssertValid("fragment mergeIdenticalFields on Dog { name name } { dog { ...mergeIdenticalFields } }");
    [Fact] public void Example_mergeIdenticalAliasesAndFields_IsValid() =>
        AssertValid("fragment mergeIdenticalAliasesAndFields on Dog { otherName: name otherName: name } { dog { ...mergeIdenticalAliasesAndFields } }");
    [Fact] public void Example_conflictingBecauseAlias_IsInvalid() =>
        AssertInvalid("OverlappingFieldsCanBeMergedRule", "fragment conflictingBecauseAlias on Dog { name: nickname name } { dog { ...conflictingBecauseAlias } }");
    [Fact] public void Example_mergeIdenticalFieldsWithIdenticalArgs_IsValid() =>
        AssertValid("fragment mergeIdenticalFieldsWithIdenticalArgs on Dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: SIT) } { dog { ...mergeIdenticalFieldsWithIdenticalArgs } }");
    [Fact] public void Example_conflictingArgsOnValues_IsInvalid() =>
        AssertInvalid("OverlappingFieldsCanBeMergedRule", "fragment conflictingArgsOnValues on Dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: HEEL) } { dog { ...conflictingArgsOnValues } }");
    [Fact] public void Example_conflictingArgsValueAndVar_IsInvalid() =>
        AssertInvalid("OverlappingFieldsCanBeMergedRule", "query q($dogCommand: DogCommand!) { dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand(dogCommand: $dogCommand) } }");
    [Fact] public void Example_differingArgs_IsInvalid() =>
        AssertInvalid("OverlappingFieldsCanBeMergedRule", "fragment differingArgs on Dog { doesKnowCommand(dogCommand: SIT) doesKnowCommand } { dog { ...differingArgs } }");
    [Fact] public void Example_safeDifferingFields_IsValid() =>
        AssertValid("fragment safeDifferingFields on Pet { ... on Dog { volume: barkVolume } ... on Cat { volume: meowVolume } } { pet { ...safeDifferingFields } }");
    [Fact] public void Example_safeDifferingArgs_IsValid() =>
        AssertValid("fragment safeDifferingArgs on Pet { ... on Dog { doesKnowCommand(dogCommand: SIT) } ... on Cat { doesKnowCommand(catCommand: JUMP) } } { pet { ...safeDifferingArgs } }");
    [Fact] public void Example_conflictingDifferingResponses_IsInvalid() =>
        AssertInvalid("OverlappingFieldsCanBeMergedRule", "fragment conflictingDifferingResponses on Pet { ... on Dog { someValue: nickname } ... on Cat { someValue: meowVolume } } { pet { ...conflictingDifferingResponses } }");
}

public class ScalarLeafsRuleTests : ValidationTestBase
{
    [Fact] public void Example_scalarSelection_IsValid() => AssertValid("fragment scalarSelection on Dog { barkVolume } { dog { ...scalarSelection } }");
    [Fact] public void Example_scalarSelectionsNotAllowedOnInt_IsInvalid() =>
        AssertInvalid("ScalarLeafsRule", "fragment scalarSelectionsNotAllowedOnInt on Dog { barkVolume { sinceWhen } } { dog { ...scalarSelectionsNotAllowedOnInt } }");
    [Fact] public void Example_directQueryOnObjectWithoutSubFields_IsInvalid() => AssertInvalid("ScalarLeafsRule", "query directQueryOnObjectWithoutSubFields { human }");
    [Fact] public void Example_directQueryOnInterfaceWithoutSubFields_IsInvalid() => AssertInvalid("ScalarLeafsRule", "query directQueryOnInterfaceWithoutSubFields { pet }");
    [Fact] public void Example_directQueryOnUnionWithoutSubFields_IsInvalid() => AssertInvalid("ScalarLeafsRule", "query directQueryOnUnionWithoutSubFields { catOrDog }");
}

public class KnownArgumentNamesRuleTests : ValidationTestBase
{
    [Fact] public void Example_argOnRequiredArg_IsValid() =>
        AssertValid("fragment argOnRequiredArg on Dog { doesKnowCommand(dogCommand: SIT) } fragment argOnOptional on Dog { isHouseTrained(atOtherHomes: true) @include(if: true) } { dog { ...argOnRequiredArg ...argOnOptional } }");
    [Fact] public void Example_invalidArgName_IsInvalid() =>
        AssertInvalid("KnownArgumentNamesRule", "fragment invalidArgName on Dog { doesKnowCommand(command: CLEAN_UP_HOUSE) } { dog { ...invalidArgName } }");
    [Fact] public void Example_invalidArgNameOnDirective_IsInvalid() =>
        AssertInvalid("KnownArgumentNamesRule", "fragment invalidArgName on Dog { isHouseTrained(atOtherHomes: true) @include(unless: false) } { dog { ...invalidArgName } }");
    [Fact] public void Example_multipleArgsReverseOrder_IsValid() =>
        AssertValid("fragment multipleArgsReverseOrder on Arguments { multipleRequirements(y: 2, x: 1) } { arguments { ...multipleArgsReverseOrder } }");
}

public class UniqueArgumentNamesRuleTests : ValidationTestBase
{
    [Fact] public void Example_DuplicateArgument_IsInvalid() =>
        AssertInvalid("UniqueArgumentNamesRule", "{ arguments { multipleRequirements(x: 1, x: 2, y: 3) } }");
}

public class ProvidedRequiredArgumentsRuleTests : ValidationTestBase
{
    [Fact] public void Example_goodBooleanArg_IsValid() =>
        AssertValid("fragment goodBooleanArg on Arguments { booleanArgField(booleanArg: true) } fragment goodNonNullArg on Arguments { nonNullBooleanArgField(nonNullBooleanArg: true) } { arguments { ...goodBooleanArg ...goodNonNullArg } }");
    [Fact] public void Example_goodBooleanArgDefault_IsValid() =>
        AssertValid("fragment goodBooleanArgDefault on Arguments { booleanArgField } fragment x on Arguments { optionalNonNullBooleanArgField } { arguments { ...goodBooleanArgDefault ...x } }");
    [Fact] public void Example_missingRequiredArg_IsInvalid() =>
        AssertInvalid("ProvidedRequiredArgumentsRule", "fragment missingRequiredArg on Arguments { nonNullBooleanArgField } { arguments { ...missingRequiredArg } }");
    [Fact] public void Example_missingNonNullValue_IsInvalid() =>
        AssertInvalid("ValuesOfCorrectTypeRule", "fragment missingRequiredArg on Arguments { nonNullBooleanArgField(nonNullBooleanArg: null) } { arguments { ...missingRequiredArg } }");
}

public class UniqueFragmentNamesRuleTests : ValidationTestBase
{
    [Fact] public void Example_fragmentOne_Twice_IsInvalid() =>
        AssertInvalid("UniqueFragmentNamesRule", "{ dog { ...fragmentOne } } fragment fragmentOne on Dog { name } fragment fragmentOne on Dog { owner { name } }");
    [Fact] public void Example_fragmentOne_fragmentTwo_IsValid() =>
        AssertValid("{ dog { ...fragmentOne ...fragmentTwo } } fragment fragmentOne on Dog { name } fragment fragmentTwo on Dog { owner { name } }");
}

public class KnownTypeNamesRuleTests : ValidationTestBase
{
    [Fact] public void Example_correctType_IsValid() =>
        AssertValid("fragment correctType on Dog { name } fragment inlineFragment on Dog { ... on Dog { name } } fragment inlineFragment2 on Dog { ... @include(if: true) { name } } { dog { ...correctType ...inlineFragment ...inlineFragment2 } }");
    [Fact] public void Example_notOnExistingType_IsInvalid() =>
        AssertInvalid("KnownTypeNamesRule", "fragment notOnExistingType on NotInSchema { name } { dog { ...notOnExistingType } }");
    [Fact] public void Example_inlineNotExistingType_IsInvalid() =>
        AssertInvalid("KnownTypeNamesRule", "fragment inlineNotExistingType on Dog { ... on NotInSchema { name } } { dog { ...inlineNotExistingType } }");
}

public class FragmentsOnCompositeTypesRuleTests : ValidationTestBase
{
    [Fact] public void Example_fragOnObject_IsValid() =>
        AssertValid("fragment fragOnObject on Dog { name } fragment fragOnInterface on Pet { name } fragment fragOnUnion on CatOrDog { ... on Dog { name } } { dog { ...fragOnObject ...fragOnInterface ...fragOnUnion } }");
    [Fact] public void Example_fragOnScalar_IsInvalid() =>
        AssertInvalid("FragmentsOnCompositeTypesRule", "fragment fragOnScalar on Int { something } { dog { ...fragOnScalar } }");
    [Fact] public void Example_inlineFragOnScalar_IsInvalid() =>
        AssertInvalid("FragmentsOnCompositeTypesRule", "fragment inlineFragOnScalar on Dog { ... on Boolean { somethingElse } } { dog { ...inlineFragOnScalar } }");
}

public class NoUnusedFragmentsRuleTests : ValidationTestBase
{
    [Fact] public void Example_nameFragment_Unused_IsInvalid() =>
        AssertInvalid("NoUnusedFragmentsRule", "fragment nameFragment on Dog { name } { dog { name } }");
}

public class KnownFragmentNamesRuleTests : ValidationTestBase
{
    [Fact] public void Example_undefinedFragment_IsInvalid() => AssertInvalid("KnownFragmentNamesRule", "{ dog { ...undefinedFragment } }");
}

public class NoFragmentCyclesRuleTests : ValidationTestBase
{
    [Fact] public void Example_nameFragment_barkVolumeFragment_Cycle_IsInvalid() =>
        AssertInvalid("NoFragmentCyclesRule", "{ dog { ...nameFragment } } fragment nameFragment on Dog { name ...barkVolumeFragment } fragment barkVolumeFragment on Dog { barkVolume ...nameFragment }");
    [Fact] public void Example_dogFragment_ownerFragment_Cycle_IsInvalid() =>
        AssertInvalid("NoFragmentCyclesRule", "{ dog { ...dogFragment } } fragment dogFragment on Dog { name owner { ...ownerFragment } } fragment ownerFragment on Human { name pets { ...dogFragment } }");
}

public class PossibleFragmentSpreadsRuleTests : ValidationTestBase
{
    [Fact] public void Example_dogFragment_InDogScope_IsValid() =>
        AssertValid("fragment dogFragment on Dog { ... on Dog { barkVolume } } { dog { ...dogFragment } }");
    [Fact] public void Example_catInDogFragmentInvalid_IsInvalid() =>
        AssertInvalid("PossibleFragmentSpreadsRule", "fragment catInDogFragmentInvalid on Dog { ... on Cat { meowVolume } } { dog { ...catInDogFragmentInvalid } }");
    [Fact] public void Example_petNameFragment_InDog_IsValid() =>
        AssertValid("fragment petNameFragment on Pet { name } fragment interfaceWithinObjectFragment on Dog { ...petNameFragment } { dog { ...interfaceWithinObjectFragment } }");
    [Fact] public void Example_catOrDogNameFragment_InDog_IsValid() =>
        AssertValid("fragment catOrDogNameFragment on CatOrDog { ... on Cat { meowVolume } } fragment unionWithObjectFragment on Dog { ...catOrDogNameFragment } { dog { ...unionWithObjectFragment } }");
    [Fact] public void Example_petFragment_unionWithInterface_IsValid() =>
        AssertValid("fragment petFragment on Pet { name ... on Dog { barkVolume } } fragment catOrDogFragment on CatOrDog { ... on Cat { meowVolume } } { pet { ...petFragment } catOrDog { ...catOrDogFragment } }");
    [Fact] public void Example_sentientFragment_IsInvalid() =>
        AssertInvalid("PossibleFragmentSpreadsRule", "fragment sentientFragment on Sentient { ... on Dog { barkVolume } } { human { ...sentientFragment } }");
    [Fact] public void Example_humanOrAlienFragment_IsInvalid() =>
        AssertInvalid("PossibleFragmentSpreadsRule", "fragment humanOrAlienFragment on HumanOrAlien { ... on Cat { meowVolume } } { human { ...humanOrAlienFragment } }");
    [Fact] public void Example_unionWithInterface_IsValid() =>
        AssertValid("fragment unionWithInterface on Pet { ...dogOrHumanFragment } fragment dogOrHumanFragment on DogOrHuman { ... on Dog { barkVolume } } { pet { ...unionWithInterface } }");
    [Fact] public void Example_nonIntersectingInterfaces_IsInvalid() =>
        AssertInvalid("PossibleFragmentSpreadsRule", "fragment nonIntersectingInterfaces on Pet { ...sentientFragment } fragment sentientFragment on Sentient { name } { pet { ...nonIntersectingInterfaces } }");
}

public class ValuesOfCorrectTypeRuleTests : ValidationTestBase
{
    [Fact] public void Example_goodBooleanArg_IsValid() =>
        AssertValid("fragment goodBooleanArg on Arguments { booleanArgField(booleanArg: true) } fragment coercedIntIntoFloatArg on Arguments { floatArgField(floatArg: 123) } query goodComplexDefaultValue($search: FindDogInput = { name: \"Fido\" }) { findDog(searchBy: $search) { name } arguments { ...goodBooleanArg ...coercedIntIntoFloatArg } }");
    [Fact] public void Example_stringIntoInt_IsInvalid() =>
        AssertInvalid("ValuesOfCorrectTypeRule", "fragment stringIntoInt on Arguments { intArgField(intArg: \"123\") } { arguments { ...stringIntoInt } }");
    [Fact] public void Example_badComplexValue_IsInvalid() =>
        AssertInvalid("ValuesOfCorrectTypeRule", "query badComplexValue { findDog(searchBy: { name: 123 }) { name } }");
    [Fact] public void Example_goodInputObjectFields_IsValid() => AssertValid("{ findDog(searchBy: { name: \"Fido\" }) { name } }");
    [Fact] public void Example_badInputObjectFieldName_IsInvalid() =>
        AssertInvalid("ValuesOfCorrectTypeRule", "{ findDog(searchBy: { favoriteCookieFlavor: \"Bacon\" }) { name } }");
    [Fact] public void Example_OneOfWithTwoKeys_IsInvalid() =>
        AssertInvalid("ValuesOfCorrectTypeRule", "{ findBy(by: { name: \"Fido\", nickname: \"F\" }) { name } }");
    [Fact] public void Example_OneOfWithNullValue_IsInvalid() =>
        AssertInvalid("ValuesOfCorrectTypeRule", "{ findBy(by: { name: null }) { name } }");
    [Fact] public void Example_OneOfWithOneKey_IsValid() => AssertValid("{ findBy(by: { name: \"Fido\" }) { name } }");
}

public class UniqueInputFieldNamesRuleTests : ValidationTestBase
{
    [Fact] public void Example_duplicateInputField_IsInvalid() =>
        AssertInvalid("UniqueInputFieldNamesRule", "{ findDog(searchBy: { name: \"Fido\", name: \"Fido\" }) { name } }");
}

public class KnownDirectivesRuleTests : ValidationTestBase
{
    [Fact] public void Example_UnknownDirective_IsInvalid() => AssertInvalid("KnownDirectivesRule", "{ dog { name @unknown } }");
    [Fact] public void Example_skipOnQuery_IsInvalid() => AssertInvalid("KnownDirectivesRule", "query @skip(if: true) { dog { name } }");
}

public class UniqueDirectivesPerLocationRuleTests : ValidationTestBase
{
    [Fact] public void Example_skipTwice_IsInvalid() =>
        AssertInvalid("UniqueDirectivesPerLocationRule", "query ($foo: Boolean = true, $bar: Boolean = false) { dog @skip(if: $foo) @skip(if: $bar) { name } }");
    [Fact] public void Example_skipOnDifferentFields_IsValid() =>
        AssertValid("query ($foo: Boolean = true, $bar: Boolean = false) { dog @skip(if: $foo) { name } dog @skip(if: $bar) { nickname } }");
    [Fact] public void RepeatableDirectiveTwice_IsValid() => AssertValid("{ dog @onField @onField { name } }");
}

public class UniqueVariableNamesRuleTests : ValidationTestBase
{
    [Fact] public void Example_houseTrainedQuery_DuplicateVariable_IsInvalid() =>
        AssertInvalid("UniqueVariableNamesRule", "query houseTrainedQuery($atOtherHomes: Boolean, $atOtherHomes: Boolean) { dog { isHouseTrained(atOtherHomes: $atOtherHomes) } }");
    [Fact] public void Example_houseTrainedFragment_SharedByOperations_IsValid() =>
        AssertValid("query A($atOtherHomes: Boolean) { ...HouseTrainedFragment } query B($atOtherHomes: Boolean) { ...HouseTrainedFragment } fragment HouseTrainedFragment on Query { dog { isHouseTrained(atOtherHomes: $atOtherHomes) } }");
}

public class VariablesAreInputTypesRuleTests : ValidationTestBase
{
    [Fact] public void Example_takesBoolean_IsValid() =>
        AssertValid("query takesBoolean($atOtherHomes: Boolean) { dog { isHouseTrained(atOtherHomes: $atOtherHomes) } } query takesComplexInput($search: FindDogInput) { findDog(searchBy: $search) { name } } query TakesListOfBooleanBang($booleans: [Boolean!]) { booleanList(booleanListArg: $booleans) }");
    [Fact] public void Example_takesCat_IsInvalid() => AssertInvalid("VariablesAreInputTypesRule", "query takesCat($cat: Cat) { dog { name } }");
    [Fact] public void Example_takesDogBang_IsInvalid() => AssertInvalid("VariablesAreInputTypesRule", "query takesDogBang($dog: Dog!) { dog { name } }");
    [Fact] public void Example_takesListOfPet_IsInvalid() => AssertInvalid("VariablesAreInputTypesRule", "query takesListOfPet($pets: [Pet]) { dog { name } }");
    [Fact] public void Example_takesCatOrDog_IsInvalid() => AssertInvalid("VariablesAreInputTypesRule", "query takesCatOrDog($catOrDog: CatOrDog) { dog { name } }");
}

public class NoUndefinedVariablesRuleTests : ValidationTestBase
{
    [Fact] public void Example_variableIsDefined_IsValid() =>
        AssertValid("query variableIsDefined($atOtherHomes: Boolean) { dog { isHouseTrained(atOtherHomes: $atOtherHomes) } }");
    [Fact] public void Example_variableIsNotDefined_IsInvalid() =>
        AssertInvalid("NoUndefinedVariablesRule", "query variableIsNotDefined { dog { isHouseTrained(atOtherHomes: $atOtherHomes) } }");
    [Fact] public void Example_variableIsNotDefinedUsedInSingleFragment_IsInvalid() =>
        AssertInvalid("NoUndefinedVariablesRule", "fragment isHouseTrainedFragment on Dog { isHouseTrained(atOtherHomes: $atOtherHomes) } query variableIsNotDefinedUsedInSingleFragment { dog { ...isHouseTrainedFragment } }");
    [Fact] public void Example_variableIsNotDefinedUsedInNestedFragment_IsInvalid() =>
        AssertInvalid("NoUndefinedVariablesRule", "query variableIsNotDefinedUsedInNestedFragment { dog { ...outerHouseTrainedFragment } } fragment outerHouseTrainedFragment on Dog { ...isHouseTrainedFragment } fragment isHouseTrainedFragment on Dog { isHouseTrained(atOtherHomes: $atOtherHomes) }");
}

public class NoUnusedVariablesRuleTests : ValidationTestBase
{
    [Fact] public void Example_variableUnused_IsInvalid() =>
        AssertInvalid("NoUnusedVariablesRule", "query variableUnused($atOtherHomes: Boolean) { dog { isHouseTrained } }");
    [Fact] public void Example_variableUsedInFragment_IsValid() =>
        AssertValid("query variableUsedInFragment($atOtherHomes: Boolean) { dog { ...isHouseTrainedFragment } } fragment isHouseTrainedFragment on Dog { isHouseTrained(atOtherHomes: $atOtherHomes) }");
    [Fact] public void Example_variableNotUsedWithinFragment_IsInvalid() =>
        AssertInvalid("NoUnusedVariablesRule", "query variableNotUsedWithinFragment($atOtherHomes: Boolean) { dog { ...isHouseTrainedWithoutVariableFragment } } fragment isHouseTrainedWithoutVariableFragment on Dog { isHouseTrained }");
}

public class VariablesInAllowedPositionRuleTests : ValidationTestBase
{
    [Fact] public void Example_intCannotGoIntoBoolean_IsInvalid() =>
        AssertInvalid("VariablesInAllowedPositionRule", "query intCannotGoIntoBoolean($intArg: Int) { arguments { booleanArgField(booleanArg: $intArg) } }");
    [Fact] public void Example_booleanListCannotGoIntoBoolean_IsInvalid() =>
        AssertInvalid("VariablesInAllowedPositionRule", "query booleanListCannotGoIntoBoolean($booleanListArg: [Boolean]) { arguments { booleanArgField(booleanArg: $booleanListArg) } }");
    [Fact] public void Example_booleanArgQuery_IsInvalid() =>
        AssertInvalid("VariablesInAllowedPositionRule", "query booleanArgQuery($booleanArg: Boolean) { arguments { nonNullBooleanArgField(nonNullBooleanArg: $booleanArg) } }");
    [Fact] public void Example_nonNullListToList_IsValid() =>
        AssertValid("query nonNullListToList($nonNullBooleanList: [Boolean]!) { arguments { booleanListArgField(booleanListArg: $nonNullBooleanList) } }");
    [Fact] public void Example_listToNonNullList_IsInvalid() =>
        AssertInvalid("VariablesInAllowedPositionRule", "query listToNonNullList($booleanList: [Boolean]) { arguments { booleanListArgField(booleanListArg: $booleanList) } }");
    [Fact] public void Example_booleanArgQueryWithDefault_IsValid() =>
        AssertValid("query booleanArgQueryWithDefault($booleanArg: Boolean) { arguments { optionalNonNullBooleanArgField(optionalBooleanArg: $booleanArg) } }");
    [Fact] public void Example_booleanArgQueryWithDefault_VariableDefault_IsValid() =>
        AssertValid("query booleanArgQueryWithDefault($booleanArg: Boolean = true) { arguments { nonNullBooleanArgField(nonNullBooleanArg: $booleanArg) } }");
    [Fact] public void NullableVariableInOneOfField_IsInvalid() =>
        AssertInvalid("VariablesInAllowedPositionRule", "query q($name: String) { findBy(by: { name: $name }) { name } }");
}

public class MaxIntrospectionDepthRuleTests : ValidationTestBase
{
    [Fact] public void DeeplyNestedIntrospection_IsInvalid() =>
        AssertInvalid("MaxIntrospectionDepthRule", "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }");
}
