using Broker.EndToEnd.Tests.Harness;
using Broker.Testing;

namespace Broker.EndToEnd.Tests;

/// <summary>One demo world shared by the tests of <see cref="SharedDemo"/>: each works on its own desktop of pool <c>demo</c>.</summary>
public sealed class DemoFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new("broker-e2e-");
    private DemoWorld? _world;

    internal DemoWorld World => _world ?? throw new InvalidOperationException("The demo world is not started.");

    /// <summary>Where a test keeps extra state (more devices, brokerctl logins).</summary>
    internal string File(string name) => _directory.File(name);

    public async ValueTask InitializeAsync() => _world = await DemoWorld.StartAsync(_directory.File("demo"), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_world is not null)
        {
            await _world.DisposeAsync();
        }

        _directory.Dispose();
    }
}
