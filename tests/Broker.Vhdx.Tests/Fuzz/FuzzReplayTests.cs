using Broker.Testing;

namespace Broker.Vhdx.Tests.Fuzz;

/// <summary>
/// Replays the saved fuzz corpus and every crash AFL++ found (tests/fuzz/Broker.Vhdx.Fuzz) through
/// the fuzz target: malformed input may only raise the typed exceptions, which the target absorbs.
/// </summary>
public sealed class FuzzReplayTests
{
    private static readonly string HarnessDirectory = Path.Combine(RepoPaths.Root, "tests", "fuzz", "Broker.Vhdx.Fuzz");

    public static TheoryData<string> Inputs()
    {
        var inputs = new TheoryData<string>();
        foreach (var folder in new[] { "corpus", "crashes" })
        {
            var directory = Path.Combine(HarnessDirectory, folder);
            if (Directory.Exists(directory))
            {
                foreach (var file in Directory.EnumerateFiles(directory).Where(file => !file.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                {
                    inputs.Add(Path.GetRelativePath(HarnessDirectory, file));
                }
            }
        }

        return inputs;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task RunAsync_SavedInput_RaisesOnlyTypedExceptions(string input)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(HarnessDirectory, input), TestContext.Current.CancellationToken);

        await VhdxFuzzTarget.RunAsync(bytes, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task RunAsync_SeedCorpus_OpensEverySeed()
    {
        var seeds = await SeedCorpus.CreateAsync(TestContext.Current.CancellationToken);

        foreach (var (name, input) in seeds)
        {
            (await VhdxFuzzTarget.RunAsync(input, TestContext.Current.CancellationToken)).ShouldBeTrue(name);
        }

        Inputs().Count.ShouldBeGreaterThanOrEqualTo(seeds.Count);
    }
}
