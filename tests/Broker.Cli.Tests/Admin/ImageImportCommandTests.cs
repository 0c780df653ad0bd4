using System.Security.Cryptography;
using System.Text.Json;
using Broker.Testing;

namespace Broker.Cli.Tests.Admin;

/// <summary>
/// <c>brokerctl admin images import FILE</c> against the in-process broker: the file is uploaded
/// and shown with its import status (text and <c>--json</c>, and in <c>images list</c>); a file
/// that is no disk image exits 2 with the broker's ProblemDetails message; usage errors exit 2.
/// </summary>
public sealed class ImageImportCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _files = new("brokerctl-image-import-");

    private AdminBroker _broker = null!;

    public async ValueTask InitializeAsync()
    {
        _broker = new AdminBroker();
        await _broker.LoginAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task Import_RawDisk_PrintsTheImageAsUploaded_AndListShowsItsStatus()
    {
        var disk = _files.File("fedora.raw");
        await File.WriteAllBytesAsync(disk, RandomNumberGenerator.GetBytes(8 * 512), TestContext.Current.CancellationToken);

        var text = await _broker.RunAsync("admin", "images", "import", disk, "--name", "fedora", "--version", "42");
        var json = await _broker.RunAsync("admin", "images", "import", disk, "--name", "fedora", "--json");
        var list = await _broker.RunAsync("admin", "images", "list");

        text.ExitCode.ShouldBe(0, text.ToString());
        text.Out.ShouldMatch(@"^uploaded image fedora 42 \([0-9a-f-]{36}\): Uploaded\r?\n$");
        json.ExitCode.ShouldBe(0, json.ToString());
        using var reply = JsonDocument.Parse(json.Out);
        reply.RootElement.GetProperty("version").GetString().ShouldBe("1");
        reply.RootElement.GetProperty("status").GetString().ShouldBe("Uploaded");
        var lines = list.Out.TrimEnd().Split(Environment.NewLine);
        lines[0].ShouldContain("STATUS");
        lines.Skip(1).ShouldAllBe(line => line.Contains("Uploaded"));
        lines.Length.ShouldBe(3, list.ToString());
    }

    [Fact]
    public async Task Import_NoDiskImage_Exits2_WithTheBrokersMessage()
    {
        var notes = _files.File("notes.txt");
        await File.WriteAllTextAsync(notes, "not a disk\n", TestContext.Current.CancellationToken);

        var run = await _broker.RunAsync("admin", "images", "import", notes, "--name", "notes");

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Error.ShouldStartWith("brokerctl: 400 BadRequest: Not a disk image The file is not a disk image");
        run.Out.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("missing-file")]
    [InlineData("no-name")]
    public async Task Import_BadUsage_Exits2(string kind)
    {
        var disk = _files.File("disk.raw");
        await File.WriteAllBytesAsync(disk, new byte[512], TestContext.Current.CancellationToken);
        string[] args = kind == "no-name"
            ? ["admin", "images", "import", disk]
            : ["admin", "images", "import", _files.File("absent.raw"), "--name", "x"];

        var run = await _broker.RunAsync(args);

        run.ExitCode.ShouldBe(2, run.ToString());
        run.Error.ShouldStartWith(kind == "no-name" ? "brokerctl:" : $"brokerctl: {_files.File("absent.raw")} does not exist.");
    }
}
