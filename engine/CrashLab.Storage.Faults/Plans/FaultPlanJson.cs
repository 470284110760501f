using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrashLab.Storage.Faults.Plans;

/// <summary>
/// A fault plan's JSON shape, generated at compile time: the reference engine reads its plan at
/// every start, and a natively compiled engine (docs/benchmarks.md) has no reflection to build a
/// serializer from.
/// <para>
/// The plan's records have setters, not init-only ones, because of this: the generated reader sets
/// every init-only property, those the JSON leaves out with their type's default (0, null),
/// which would turn an omitted sector_size into 0 instead of 512 (dotnet/runtime issue 84484).
/// </para>
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true,
    Converters = [typeof(FaultPlanJson.FaultKindNames)])]
[JsonSerializable(typeof(FaultPlan))]
internal sealed partial class FaultPlanJson : JsonSerializerContext
{
    /// <summary>Fault kinds by their snake_case names only: a number is refused, as a typo would be.</summary>
    internal sealed class FaultKindNames() : JsonStringEnumConverter<FaultKind>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false);
}
