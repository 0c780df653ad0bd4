namespace Broker.Testing.Storage;

/// <summary>
/// Thrown by <see cref="CrashingStorage"/> (and every file opened from it) at the operation it was
/// told to crash at and at every operation after it: the simulated machine is down. Deliberately not
/// an <see cref="IOException"/>, so code that handles I/O errors cannot mistake a crash for one.
/// </summary>
public sealed class StorageCrashedException : Exception
{
    public StorageCrashedException()
        : this("The simulated storage has crashed.")
    {
    }

    public StorageCrashedException(string message)
        : base(message)
    {
    }

    public StorageCrashedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
