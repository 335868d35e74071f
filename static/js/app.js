// filled in with the play flow
