using Broker.Testing;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests.Storage;

/// <summary>The storage contract against the real file system, in a fresh temporary directory.</summary>
public sealed class FileStorageContractTests : StorageContractTests, IDisposable
{
    private readonly TempDirectory _directory = new("broker-storage-");

    protected override IStorage Storage => FileStorage.Instance;

    protected override string Root => _directory.Path;

    public void Dispose() => _directory.Dispose();
}
