using Broker.Testing.Storage;
using Broker.Vhdx.Storage;

namespace Broker.Vhdx.Tests.Storage;

/// <summary>The storage contract against the crash double, which must behave like the real thing until it crashes.</summary>
public sealed class CrashingStorageContractTests : StorageContractTests
{
    private readonly CrashingStorage _storage = new();

    public CrashingStorageContractTests()
    {
        _storage.CreateDirectory(Root);
    }

    protected override IStorage Storage => _storage;

    protected override string Root => "/data/contract";
}
