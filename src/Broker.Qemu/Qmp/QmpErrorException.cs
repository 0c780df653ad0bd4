namespace Broker.Qemu.Qmp;

/// <summary>QEMU answered a command with an <c>error</c> reply.</summary>
public sealed class QmpErrorException : Exception
{
    public QmpErrorException()
        : this(string.Empty, string.Empty, string.Empty)
    {
    }

    public QmpErrorException(string message)
        : this(string.Empty, string.Empty, message)
    {
    }

    public QmpErrorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Command = string.Empty;
        ErrorClass = string.Empty;
        Description = message;
    }

    /// <summary>An error reply to <paramref name="command"/>.</summary>
    public QmpErrorException(string command, string errorClass, string description)
        : base($"QMP command '{command}' failed: {errorClass}: {description}")
    {
        Command = command;
        ErrorClass = errorClass;
        Description = description;
    }

    /// <summary>The command that failed.</summary>
    public string Command { get; }

    /// <summary>QEMU's error class, for example <c>GenericError</c> or <c>CommandNotFound</c>.</summary>
    public string ErrorClass { get; }

    /// <summary>QEMU's human-readable description.</summary>
    public string Description { get; }
}
