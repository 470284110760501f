using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace CrashLab.Tests.Shared;

/// <summary>
/// The one FsCheck run that is not a [Property]: a test that a property FAILS (a known-bad mutant
/// must be caught) and that FsCheck shrinks the counterexample. Every search has a seed, taken
/// from CRASHLAB_PROPERTY_REPLAY ("seed,gamma", the pair a [Property]'s Replay takes) when set,
/// random otherwise; the result names it, so the exact search can be replayed.
/// </summary>
public static class CounterexampleSearch
{
    public const string ReplayVariable = "CRASHLAB_PROPERTY_REPLAY";

    /// <summary>
    /// Expects FsCheck to find a counterexample and shrink it; returns the original and the shrunk
    /// failing inputs. Throws (with the replay seed) if none is found within <paramref name="tests"/> cases.
    /// </summary>
    public static (T Original, T Shrunk, string Seed) Find<T>(string name, Arbitrary<T> arbitrary, Func<T, bool> property, int tests)
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
            Check.One(name, config, Prop.ForAll(arbitrary, Tracked));
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
            var parts = text.Trim('(', ')', ' ').Split(',');
            return (ulong.Parse(parts[0], CultureInfo.InvariantCulture), ulong.Parse(parts[1], CultureInfo.InvariantCulture));
        }

        return ((ulong)Random.Shared.NextInt64(), (ulong)Random.Shared.NextInt64() | 1);
    }
}
