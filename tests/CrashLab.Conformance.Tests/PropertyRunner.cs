using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace CrashLab.Conformance.Tests;

/// <summary>
/// Drives FsCheck 3 from plain xunit facts. Every run has a seed, taken from
/// CRASHLAB_PROPERTY_REPLAY ("seed,gamma") when set, random otherwise; a failure names it, so
/// the exact run can be replayed.
/// </summary>
public static class PropertyRunner
{
    public const string ReplayVariable = "CRASHLAB_PROPERTY_REPLAY";

    /// <summary>Checks <paramref name="property"/> for <paramref name="tests"/> cases; throws with the replay seed on a counterexample.</summary>
    public static void Check<T>(string name, Arbitrary<T> arbitrary, Func<T, bool> property, int tests)
    {
        var (seed, gamma) = ReplaySeed();
        var config = Config.QuickThrowOnFailure.WithMaxTest(tests).WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, gamma), FSharpOption<int>.None)));
        try
        {
            FsCheck.Check.One(name, config, Prop.ForAll(arbitrary, property));
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{name} failed. Replay: {ReplayVariable}={seed},{gamma}{Environment.NewLine}{e.Message}");
        }
    }

    /// <summary>
    /// Expects FsCheck to find a counterexample and shrink it; returns the original and the shrunk
    /// failing inputs. Throws (with the replay seed) if none is found within <paramref name="tests"/> cases.
    /// </summary>
    public static (T Original, T Shrunk, string Seed) FindCounterexample<T>(string name, Arbitrary<T> arbitrary, Func<T, bool> property, int tests)
        where T : class
    {
        var (seed, gamma) = ReplaySeed();
        T? first = null, last = null;
        var config = Config.QuickThrowOnFailure.WithMaxTest(tests).WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, gamma), FSharpOption<int>.None)));
        bool Tracked(T input)
        {
            var holds = property(input);
            if (!holds)
                (first, last) = (first ?? input, input);
            return holds;
        }

        try
        {
            FsCheck.Check.One(name, config, Prop.ForAll(arbitrary, Tracked));
        }
        catch (Exception) when (last != null)
        {
            return (first!, last, $"{seed},{gamma}");
        }

        throw new Xunit.Sdk.XunitException($"{name}: no counterexample in {tests} cases. Replay: {ReplayVariable}={seed},{gamma}");
    }

    private static (ulong Seed, ulong Gamma) ReplaySeed()
    {
        var text = Environment.GetEnvironmentVariable(ReplayVariable);
        if (!string.IsNullOrWhiteSpace(text))
        {
            var parts = text.Split(',');
            return (ulong.Parse(parts[0], CultureInfo.InvariantCulture), ulong.Parse(parts[1], CultureInfo.InvariantCulture));
        }

        return ((ulong)Random.Shared.NextInt64(), (ulong)Random.Shared.NextInt64() | 1);
    }
}
