using System.Diagnostics;

namespace Broker.Disks.Images;

/// <summary>Converts with <c>qemu-img convert -f FORMAT -O raw</c>; the process is killed on cancellation.</summary>
public sealed class QemuImgConverter : IRawImageConverter
{
    private readonly string _qemuImg;

    /// <summary>Uses <paramref name="qemuImgPath"/>, or <c>qemu-img</c> from PATH.</summary>
    public QemuImgConverter(string? qemuImgPath = null)
    {
        _qemuImg = qemuImgPath ?? "qemu-img";
    }

    /// <inheritdoc />
    /// <exception cref="IOException">qemu-img failed (its standard error is in the message).</exception>
    public async Task ConvertToRawAsync(string sourcePath, string sourceFormat, string rawPath, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(_qemuImg)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "convert", "-q", "-f", sourceFormat, "-O", "raw", sourcePath, rawPath })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new IOException($"Could not start '{_qemuImg}'.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        _ = await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new IOException($"qemu-img convert of '{sourcePath}' failed with exit code {process.ExitCode}: {errors.Trim()}");
        }
    }
}
