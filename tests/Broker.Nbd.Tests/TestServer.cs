using System.Net.Sockets;
using Broker.Testing;

namespace Broker.Nbd.Tests;

/// <summary>An <see cref="NbdServer"/> listening on a unix socket in a fresh temp directory.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly TempDirectory _directory;

    private TestServer(TempDirectory directory, NbdServer server, string socketPath)
    {
        _directory = directory;
        Server = server;
        SocketPath = socketPath;
    }

    public NbdServer Server { get; }

    public string SocketPath { get; }

    public string Directory => _directory.Path;

    /// <summary>Starts a server after <paramref name="addExports"/> has added its exports.</summary>
    public static TestServer Start(Action<NbdServer> addExports, NbdServerOptions? options = null)
    {
        var directory = new TempDirectory("broker-nbd-");
        var server = new NbdServer(options);
        addExports(server);
        var socketPath = directory.File("nbd.sock");
        server.Start(new UnixDomainSocketEndPoint(socketPath));
        return new TestServer(directory, server, socketPath);
    }

    /// <summary>A qemu block-layer filename for one export.</summary>
    public string Uri(string exportName) => $"nbd+unix:///{exportName}?socket={SocketPath}";

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _directory.Dispose();
    }
}
