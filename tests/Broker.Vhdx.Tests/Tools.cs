using Broker.Testing;

namespace Broker.Vhdx.Tests;

/// <summary>Other tools that read VHDX: qemu-img, qemu-io, vhdiinfo and python3-libvhdi.</summary>
internal static class Tools
{
    public const string Python = "/usr/bin/python3";

    /// <summary>Reads a whole chain through libvhdi (top first) and prints the SHA-256 of the virtual disk.</summary>
    private const string PyvhdiHashScript = """
        import sys, hashlib, pyvhdi
        files = []
        for path in sys.argv[1:]:
            f = pyvhdi.file(); f.open(path); files.append(f)
        for child, parent in zip(files, files[1:]):
            child.set_parent(parent)
        top = files[0]
        size = top.get_media_size(); h = hashlib.sha256(); offset = 0
        while offset < size:
            n = min(4 << 20, size - offset)
            h.update(top.read_buffer_at_offset(n, offset)); offset += n
        print(h.hexdigest())
        """;

    public static async Task<ToolResult> QemuImgAsync(CancellationToken cancellationToken, params string[] arguments) =>
        await ExternalTool.RunAsync("qemu-img", arguments, cancellationToken);

    public static async Task<ToolResult> QemuIoAsync(CancellationToken cancellationToken, params string[] arguments) =>
        await ExternalTool.RunAsync("qemu-io", arguments, cancellationToken);

    public static async Task<ToolResult> VhdiinfoAsync(string path, CancellationToken cancellationToken) =>
        await ExternalTool.RunAsync("vhdiinfo", [path], cancellationToken);

    /// <summary>SHA-256 of the virtual disk of a chain read through python3-libvhdi (paths top first).</summary>
    public static async Task<string> PyvhdiSha256Async(CancellationToken cancellationToken, params string[] chain)
    {
        var result = await ExternalTool.RunAsync(Python, ["-c", PyvhdiHashScript, .. chain], cancellationToken);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result.StandardOutput.Trim();
    }
}
