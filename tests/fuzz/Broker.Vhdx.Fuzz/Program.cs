using Broker.Vhdx.Tests.Fuzz;
using SharpFuzz;

// Without arguments: the AFL++ target (stdin/shared memory through SharpFuzz). With
// "--make-corpus DIR": writes the seed corpus (tiny VHDX files made by Broker.Vhdx, encoded).
if (args is ["--make-corpus", var directory])
{
    foreach (var (name, input) in await SeedCorpus.CreateAsync(CancellationToken.None))
    {
        await File.WriteAllBytesAsync(Path.Combine(directory, name), input);
    }

    return;
}

Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    VhdxFuzzTarget.RunAsync(buffer.ToArray(), CancellationToken.None).GetAwaiter().GetResult();
});
