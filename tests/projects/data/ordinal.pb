META
key;value
description;Vote ordinal (classement) avec des bulletins plus courts que max_length
country;France
unit;Lyon
instance;2026
num_projects;4
num_votes;5
budget;50
vote_type;ordinal
rule;greedy
max_length;3
currency;EUR
PROJECTS
project_id;cost;name
X;50;Seul choix de trois bulletins
Y;50;Premier choix de deux bulletins complets
Z;50;Second choix
W;50;Troisième choix
VOTES
voter_id;vote
1;X
2;X
3;X
4;Y,Z,W
5;Y,Z
