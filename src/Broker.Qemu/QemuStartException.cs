namespace Broker.Qemu;

/// <summary>QEMU exited or stayed unreachable while a VM was starting.</summary>
public sealed class QemuStartException : Exception
{
    public QemuStartException()
    {
        Output = string.Empty;
    }

    public QemuStartException(string message)
        : this(message, string.Empty)
    {
    }

    public QemuStartException(string message, Exception innerException)
        : base(message, innerException)
    {
        Output = string.Empty;
    }

    /// <summary>A start failure, with the end of what QEMU printed.</summary>
    public QemuStartException(string message, string output, Exception? innerException = null)
        : base(output.Length == 0 ? message : $"{message} QEMU said:\n{output}", innerException)
    {
        Output = output;
    }

    /// <summary>The end of QEMU's stdout and stderr.</summary>
    public string Output { get; }
}
