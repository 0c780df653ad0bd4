using Broker.Testing.Storage;

namespace Broker.Vhdx.Tests.Fuzz;

/// <summary>The fuzzer's seeds: tiny files made by Broker.Vhdx (1 MiB blocks), in the <see cref="FuzzInput"/> encoding.</summary>
internal static class SeedCorpus
{
    private const string Parent = "/seed/parent.vhdx";
    private const string Child = "/seed/child.vhdx";

    public static async Task<IReadOnlyList<(string Name, byte[] Input)>> CreateAsync(CancellationToken cancellationToken)
    {
        var storage = new CrashingStorage();
        storage.CreateDirectory("/seed");
        var seeds = new List<(string, byte[])>();
        await using (var file = await VhdxFile.CreateAsync(storage, Parent, VhdxCreateOptions.Dynamic(8L << 20, 1 << 20), cancellationToken))
        {
            await file.WriteAsync(0, Pattern(4096, 1), cancellationToken);
            await file.WriteAsync((3L << 20) - 512, Pattern(1024, 2), cancellationToken);
            await file.FlushAsync(cancellationToken);

            // Mid-session: the log still holds the entry, so the image opens with a log to replay.
            seeds.Add(("dynamic-dirty-log", FuzzInput.Encode(storage.Fork().GetBytes(Parent))));
        }

        seeds.Add(("dynamic", FuzzInput.Encode(storage.GetBytes(Parent))));
        seeds.Add(("dynamic-fixchecksums", FuzzInput.Encode(storage.GetBytes(Parent), FuzzInput.FixChecksums)));
        await using (var child = await VhdxFile.CreateAsync(storage, Child, VhdxCreateOptions.Differencing(Parent, 1 << 20), cancellationToken))
        {
            await child.WriteAsync(1L << 20, Pattern(8192, 3), cancellationToken);
        }

        seeds.Add(("differencing", FuzzInput.Encode(storage.GetBytes(Child))));
        await using (var file = await VhdxFile.CreateAsync(storage, "/seed/fixed.vhdx", VhdxCreateOptions.Fixed(2L << 20, 1 << 20, 4096, 4096), cancellationToken))
        {
            await file.WriteAsync(4096, Pattern(4096, 4), cancellationToken);
        }

        seeds.Add(("fixed-4k", FuzzInput.Encode(storage.GetBytes("/seed/fixed.vhdx"))));
        return seeds;
    }

    private static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
