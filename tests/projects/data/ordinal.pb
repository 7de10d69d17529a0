META
key;value
description;Vote ordinal (classement)
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
X;50;Premier choix de peu
Y;50;Second choix de beaucoup
Z;50;Troisième
W;50;Quatrième
VOTES
voter_id;vote
1;X,Y
2;X,Y
3;Z,Y
4;Z,W,Y
5;X
