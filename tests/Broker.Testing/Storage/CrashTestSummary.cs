namespace Broker.Testing.Storage;

/// <summary>How much a crash test explored: lets a test assert it did not pass vacuously.</summary>
public sealed record CrashTestSummary(int TotalOperations, int CrashPoints, int Materialisations);
