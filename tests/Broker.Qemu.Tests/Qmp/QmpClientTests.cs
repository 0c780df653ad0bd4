using System.Text.Json;
using System.Text.Json.Nodes;
using Broker.Qemu.Qmp;
using Broker.Testing;

namespace Broker.Qemu.Tests.Qmp;

public sealed class QmpClientTests : IDisposable
{
    private readonly TempDirectory _directory = new("broker-qmp-");

    private string SocketPath => _directory.File("qmp.sock");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ConnectAsync_QemuGreets_ReadsVersionAndNegotiatesCapabilities()
    {
        await using var server = new FakeQmpServer(SocketPath);

        await using var client = await QmpClient.ConnectAsync(SocketPath, Token);

        client.Greeting.Version.ShouldBe("7.2.22");
        client.Greeting.Capabilities.ShouldBe(["oob"]);
        server.Commands.ShouldBe(["qmp_capabilities"]);
    }

    [Fact]
    public async Task QueryStatusAsync_PausedVm_ReturnsStatus()
    {
        await using var server = new FakeQmpServer(SocketPath, (request, peer) =>
            peer.ReplyAsync(request, """{"status": "paused", "singlestep": false, "running": false}"""));
        await using var client = await QmpClient.ConnectAsync(SocketPath, Token);

        var status = await client.QueryStatusAsync(Token);

        status.ShouldBe(new QmpStatus(false, "paused"));
    }

    [Fact]
    public async Task ExecuteAsync_WithArguments_SendsThemUnderArguments()
    {
        JsonElement received = default;
        await using var server = new FakeQmpServer(SocketPath, (request, peer) =>
        {
            received = request.Arguments;
            return peer.ReplyAsync(request);
        });
        await using var client = await QmpClient.ConnectAsync(SocketPath, Token);

        await client.ExecuteAsync("human-monitor-command", new JsonObject { ["command-line"] = "info status" }, Token);

        received.GetProperty("command-line").GetString().ShouldBe("info status");
    }

    [Fact]
    public async Task ExecuteAsync_EventsArriveBeforeTheReply_ReturnsReplyAndQueuesEventsInOrder()
    {
        await using var server = new FakeQmpServer(SocketPath, async (request, peer) =>
        {
            await peer.EventAsync("STOP");
            await peer.EventAsync("RESUME", """{"reason": "x"}""");
            await peer.ReplyAsync(request, """{"answer": 42}""");
        });
        await using var client = await QmpClient.ConnectAsync(SocketPath, Token);

        var reply = await client.ExecuteAsync("anything", cancellationToken: Token);

        reply.GetProperty("answer").GetInt32().ShouldBe(42);
        var first = await client.Events.ReadAsync(Token);
        var second = await client.Events.ReadAsync(Token);
        first.Name.ShouldBe(QmpEventNames.Stop);
        first.Timestamp.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000).AddMilliseconds(250));
        second.Name.ShouldBe(QmpEventNames.Resume);
        second.Data.GetProperty("reason").GetString().ShouldBe("x");
    }

    [Fact]
    public async Task ExecuteAsync_RepliesOutOfOrder_MatchesEachReplyToItsRequest()
    {
        FakeQmpRequest? held = null;
        await using var server = new FakeQmpServer(SocketPath, async (request, peer) =>
        {
            if (request.Command == "first")
            {
                held = request;
                return;
            }

            await peer.ReplyAsync(request, "2");
            await peer.ReplyAsync(held!, "1");
        });
        await using var client = await QmpClient.ConnectAsync(SocketPath, Token);

        var first = client.ExecuteAsync("first", cancellationToken: Token);
        while (!server.Commands.Contains("first"))
        {
            await Task.Delay(5, Token);
        }

        var second = client.ExecuteAsync("second", cancellationToken: Token);

        (await second).GetInt32().ShouldBe(2);
        (await first).GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task ExecuteAsync_ErrorReply_ThrowsQmpErrorExceptionNamingCommandAndClass()
    {
        await using var server = new FakeQmpServer(SocketPath, (request, peer) =>
            peer.ErrorAsync(request, "CommandNotFound", "The command nope has not been found"));
        await using var client = await QmpClient.ConnectAsync(SocketPath, Token);

        var error = await Should.ThrowAsync<QmpErrorException>(() => client.ExecuteAsync("nope", cancellationToken: Token));

        error.Command.ShouldBe("nope");
        error.ErrorClass.ShouldBe("CommandNotFound");
        error.Description.ShouldBe("The command nope has not been found");
    }

    [Fact]
    public async Task ExecuteAsync_ConnectionClosesBeforeReply_ThrowsIOExceptionAndCompletesEvents()
    {
        await using var server = new FakeQmpServer(SocketPath, (_, peer) =>
        {
            peer.CloseConnection();
            return Task.CompletedTask;
        });
        await using var client = await QmpClient.ConnectAsync(SocketPath, Token);

        await Should.ThrowAsync<IOException>(() => client.ExecuteAsync("stop", cancellationToken: Token));

        await client.Completion.WaitAsync(Token);
        (await client.Events.WaitToReadAsync(Token)).ShouldBeFalse();
    }

    [Fact]
    public async Task ExecuteAsync_MalformedMessage_FailsWithInvalidDataExceptionAndFaultsEvents()
    {
        await using var server = new FakeQmpServer(SocketPath, (_, peer) => peer.SendAsync("{\"return\": [unterminated"));
        await using var client = await QmpClient.ConnectAsync(SocketPath, Token);

        await Should.ThrowAsync<InvalidDataException>(() => client.ExecuteAsync("stop", cancellationToken: Token));

        await Should.ThrowAsync<InvalidDataException>(async () => await client.Events.WaitToReadAsync(Token));
    }

    [Fact]
    public async Task ExecuteAsync_MessageIsNotAnObject_FailsWithInvalidDataException()
    {
        await using var server = new FakeQmpServer(SocketPath, (_, peer) => peer.SendAsync("[1, 2]"));
        await using var client = await QmpClient.ConnectAsync(SocketPath, Token);

        await Should.ThrowAsync<InvalidDataException>(() => client.ExecuteAsync("stop", cancellationToken: Token));
    }

    [Fact]
    public async Task ExecuteAsync_CancelledWhileWaiting_ThrowsAndLaterCommandsStillWork()
    {
        await using var server = new FakeQmpServer(SocketPath, (request, peer) =>
            request.Command == "hang" ? Task.CompletedTask : peer.ReplyAsync(request, "7"));
        await using var client = await QmpClient.ConnectAsync(SocketPath, Token);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var hanging = client.ExecuteAsync("hang", cancellationToken: cancellation.Token);
        await cancellation.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => hanging);
        (await client.ExecuteAsync("next", cancellationToken: Token)).GetInt32().ShouldBe(7);
    }

    [Fact]
    public async Task QuitAsync_QemuClosesWithoutReplying_Succeeds()
    {
        await using var server = new FakeQmpServer(SocketPath, (_, peer) =>
        {
            peer.CloseConnection();
            return Task.CompletedTask;
        });
        await using var client = await QmpClient.ConnectAsync(SocketPath, Token);

        await client.QuitAsync(Token);

        server.Commands.ShouldBe(["qmp_capabilities", "quit"]);
    }

    [Fact]
    public async Task DisposeAsync_CommandPending_FailsItWithObjectDisposedException()
    {
        await using var server = new FakeQmpServer(SocketPath, (_, _) => Task.CompletedTask);
        var client = await QmpClient.ConnectAsync(SocketPath, Token);
        var pending = client.ExecuteAsync("hang", cancellationToken: Token);

        await client.DisposeAsync();

        await Should.ThrowAsync<ObjectDisposedException>(() => pending);
    }

    [Fact]
    public async Task ConnectAsync_NobodyListening_ThrowsSocketException()
    {
        await Should.ThrowAsync<System.Net.Sockets.SocketException>(() => QmpClient.ConnectAsync(SocketPath, Token));
    }
}
