public enum KassaJournal {}
